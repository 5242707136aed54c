package aws

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// Commands writes changes (as [reach.Model.Fix] returns them, in order)
// as the AWS CLI commands that make them, one a line, in order: a shell
// script. A group the changes create is made with create-security-group
// (named [reach.Change.GroupName], as AWS refuses a name starting with
// "sg-") and named by the shell variable its ID is kept in ($SG_1, ...),
// since AWS picks the ID. Values from the input are quoted for the shell.
// No changes give an empty list, not nil.
func Commands(changes []reach.Change) []string {
	out := []string{}
	made := map[string]string{} // a new group's ID in the changes -> its shell variable
	group := func(id string) string {
		if v, ok := made[id]; ok {
			return `"$` + v + `"`
		}
		return shellQuote(id)
	}
	for _, c := range changes {
		switch c.Kind {
		case reach.ResourceSecurityGroup:
			if c.NewGroup {
				v := "SG_" + strconv.Itoa(len(made)+1)
				made[c.Resource] = v
				out = append(out, fmt.Sprintf("%s=$(aws ec2 create-security-group --group-name %s --description %s --vpc-id %s --query GroupId --output text)",
					v, shellQuote(c.GroupName()), shellQuote("made by reachsim fix"), shellQuote(c.VPC)))
			}
			if c.Rule == nil {
				continue
			}
			switch c.Action {
			case reach.ChangeAdd:
				out = append(out, groupRuleCommand("authorize", group(c.Resource), *c.Rule))
			case reach.ChangeRemove:
				out = append(out, groupRuleCommand("revoke", group(c.Resource), *c.Rule))
			case reach.ChangeReplace:
				if c.Old != nil {
					out = append(out, groupRuleCommand("revoke", group(c.Resource), *c.Old))
				}
				out = append(out, groupRuleCommand("authorize", group(c.Resource), *c.Rule))
			}
		case reach.ResourceNetworkACL:
			if c.Entry == nil {
				continue
			}
			verb := "create-network-acl-entry"
			if c.Action == reach.ChangeReplace {
				verb = "replace-network-acl-entry"
			}
			out = append(out, aclCommand(verb, c.Resource, *c.Entry))
		case reach.ResourceRouteTable:
			if c.Route == nil {
				continue
			}
			dest := "--destination-cidr-block"
			if c.Route.Destination.Addr().Is6() {
				dest = "--destination-ipv6-cidr-block"
			}
			out = append(out, fmt.Sprintf("aws ec2 create-route --route-table-id %s %s %s --gateway-id %s",
				shellQuote(c.Resource), dest, c.Route.Destination, shellQuote(c.Route.TargetID)))
		case reach.ResourceInterface:
			groups := make([]string, len(c.Groups))
			for i, g := range c.Groups {
				groups[i] = group(g)
			}
			out = append(out, fmt.Sprintf("aws ec2 modify-network-interface-attribute --network-interface-id %s --groups %s",
				shellQuote(c.Resource), strings.Join(groups, " ")))
		}
	}
	return out
}

// groupRuleCommand writes authorize- or revoke-security-group-ingress (or
// -egress) for a rule whose peer is a CIDR block.
func groupRuleCommand(verb, group string, r sg.Rule) string {
	dir := "ingress"
	if r.Direction == flow.Outbound {
		dir = "egress"
	}
	perm := "IpProtocol=" + protocolText(r.Protocol)
	if r.Protocol != flow.AllProtocols {
		from, to := portsOf(r)
		perm += fmt.Sprintf(",FromPort=%d,ToPort=%d", from, to)
	}
	if r.Peer.CIDR.Addr().Is6() {
		perm += ",Ipv6Ranges=[{CidrIpv6=" + r.Peer.CIDR.String()
	} else {
		perm += ",IpRanges=[{CidrIp=" + r.Peer.CIDR.String()
	}
	if r.Description != "" && verb == "authorize" {
		perm += `,Description="` + r.Description + `"`
	}
	perm += "}]"
	return fmt.Sprintf("aws ec2 %s-security-group-%s --group-id %s --ip-permissions %s", verb, dir, group, shellQuote(perm))
}

// aclCommand writes create- or replace-network-acl-entry for e.
func aclCommand(verb, acl string, e nacl.Entry) string {
	dir, action := "--ingress", "allow"
	if e.Direction == flow.Outbound {
		dir = "--egress"
	}
	if e.Action == flow.Drop {
		action = "deny"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "aws ec2 %s --network-acl-id %s %s --rule-number %d --protocol %s", verb, shellQuote(acl), dir, e.Number, protocolNumber(e.Protocol))
	switch {
	case e.Protocol.HasPorts():
		fmt.Fprintf(&b, " --port-range From=%d,To=%d", e.Ports.Lo, e.Ports.Hi)
	case e.Protocol == flow.ICMP || e.Protocol == flow.ICMPv6:
		fmt.Fprintf(&b, " --icmp-type-code Type=%d,Code=%d", e.ICMPType, e.ICMPCode)
	}
	if e.CIDR.Addr().Is6() {
		fmt.Fprintf(&b, " --ipv6-cidr-block %s", e.CIDR)
	} else {
		fmt.Fprintf(&b, " --cidr-block %s", e.CIDR)
	}
	fmt.Fprintf(&b, " --rule-action %s", action)
	return b.String()
}

// protocolNumber writes a protocol as create-network-acl-entry takes it:
// its number, or -1 for all.
func protocolNumber(p flow.Protocol) string {
	if p == flow.AllProtocols {
		return "-1"
	}
	return strconv.Itoa(int(p))
}

// shellQuote quotes s for a POSIX shell when it holds anything but
// letters, digits and -_./:=,
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=,", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

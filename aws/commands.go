package aws

import (
	"encoding/json"
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
// since AWS picks the ID. Values from the input are quoted for the shell;
// a rule's --ip-permissions are the CLI's shorthand, or JSON where its
// description holds a character EC2 does not take in one.
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
// -egress) for a rule whose peer is a CIDR block. Its --ip-permissions are
// written in the CLI's shorthand, except when the rule's description holds
// a character EC2 does not take in one (a quote or a backslash, which would
// end the shorthand's quoted value early and let the rest be read as more
// keys): then as JSON, which quotes every character.
func groupRuleCommand(verb, group string, r sg.Rule) string {
	dir := "ingress"
	if r.Direction == flow.Outbound {
		dir = "egress"
	}
	desc := ""
	if verb == "authorize" {
		desc = r.Description
	}
	perm := ""
	if shorthandSafe(desc) {
		perm = "IpProtocol=" + protocolText(r.Protocol)
		if r.Protocol != flow.AllProtocols {
			from, to := portsOf(r)
			perm += fmt.Sprintf(",FromPort=%d,ToPort=%d", from, to)
		}
		if r.Peer.CIDR.Addr().Is6() {
			perm += ",Ipv6Ranges=[{CidrIpv6=" + r.Peer.CIDR.String()
		} else {
			perm += ",IpRanges=[{CidrIp=" + r.Peer.CIDR.String()
		}
		if desc != "" {
			perm += `,Description="` + desc + `"`
		}
		perm += "}]"
	} else {
		perm = ipPermissionJSON(r, desc)
	}
	return fmt.Sprintf("aws ec2 %s-security-group-%s --group-id %s --ip-permissions %s", verb, dir, group, shellQuote(perm))
}

// shorthandSafe reports whether a rule description is written as it is
// inside a double-quoted shorthand value: every character one EC2 takes
// in a description (a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$*),
// none of which ends the value.
func shorthandSafe(desc string) bool {
	for _, c := range desc {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == ' ':
		case strings.ContainsRune("._-:/()#,@[]+=&;{}!$*", c):
		default:
			return false
		}
	}
	return true
}

// ipPermissionJSON is r's --ip-permissions as JSON, with desc as its
// range's description.
func ipPermissionJSON(r sg.Rule, desc string) string {
	type rng struct {
		CidrIP      string `json:"CidrIp,omitempty"`
		CidrIPv6    string `json:"CidrIpv6,omitempty"`
		Description string `json:"Description,omitempty"`
	}
	type perm struct {
		IPProtocol string `json:"IpProtocol"`
		FromPort   *int   `json:"FromPort,omitempty"`
		ToPort     *int   `json:"ToPort,omitempty"`
		IPRanges   []rng  `json:"IpRanges,omitempty"`
		IPv6Ranges []rng  `json:"Ipv6Ranges,omitempty"`
	}
	p := perm{IPProtocol: protocolText(r.Protocol)}
	if r.Protocol != flow.AllProtocols {
		from, to := portsOf(r)
		p.FromPort, p.ToPort = &from, &to
	}
	if r.Peer.CIDR.Addr().Is6() {
		p.IPv6Ranges = []rng{{CidrIPv6: r.Peer.CIDR.String(), Description: desc}}
	} else {
		p.IPRanges = []rng{{CidrIP: r.Peer.CIDR.String(), Description: desc}}
	}
	out, err := json.Marshal([]perm{p})
	if err != nil { // cannot happen: strings and ints
		panic(err)
	}
	return string(out)
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

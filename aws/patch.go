package aws

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/inputfile"
	"github.com/reachsim/reachsim/internal/jsonloc"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// ErrPatch is wrapped by the errors of [Patch] and [WritePatched]: a
// change the dump has no place for (a group, ACL, route table or
// interface it does not hold, a rule it does not list).
var ErrPatch = errors.New("cannot patch the dump")

// Patch makes changes (as [reach.Model.Fix] returns them, in order) on a
// dump: files maps each file's name to its content, as the AWS CLI printed
// it. It returns the files it changed, by name, with their new content
// (indented JSON, keys sorted); every other file stays as it is. A rule
// is added to, or removed from, both the group's IpPermissions and the
// describe-security-group-rules listing when the dump holds both; a new
// group goes into the file that lists the groups, with the rules AWS
// gives it ([reach.Change] Defaults), which later changes remove.
func Patch(files map[string][]byte, changes []reach.Change) (map[string][]byte, error) {
	p := &patcher{docs: map[string]map[string]any{}, changed: map[string]bool{}}
	names := slices.Sorted(maps.Keys(files))
	for _, name := range names {
		var doc map[string]any
		dec := json.NewDecoder(bytes.NewReader(jsonloc.StripBOM(files[name])))
		dec.UseNumber()
		if err := dec.Decode(&doc); err != nil {
			continue // not an object: nothing to patch in it (Load says what is wrong)
		}
		p.docs[name], p.order = doc, append(p.order, name)
	}
	for i, c := range changes {
		if err := p.apply(c); err != nil {
			return nil, fmt.Errorf("%w: change %d (%s): %w", ErrPatch, i+1, c.Text, err)
		}
	}
	out := map[string][]byte{}
	for name := range p.changed {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "    ")
		if err := enc.Encode(p.docs[name]); err != nil {
			return nil, err
		}
		out[name] = b.Bytes()
	}
	return out, nil
}

// WritePatched reads the dump at paths (files or directories, as [Load]
// takes them), makes changes on it ([Patch]) and writes every one of its
// files, changed or not, under dir by its base name: a patched copy in
// the same layout. dir must not exist yet, or be empty; the input is
// never written. It returns the paths written.
func WritePatched(dir string, changes []reach.Change, paths ...string) ([]string, error) {
	return WritePatchedWith(Options{}, dir, changes, paths...)
}

// WritePatchedWith is [WritePatched] reading the input with opts (its
// MaxFileSize, as [LoadWith] does).
func WritePatchedWith(opts Options, dir string, changes []reach.Change, paths ...string) ([]string, error) {
	src := inputfile.OS{}
	files, err := gather(src, paths)
	if err != nil {
		return nil, err
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return nil, fmt.Errorf("%w: %s is not empty: write the patched dump to a new directory", ErrPatch, dir)
	}
	byName := map[string][]byte{}
	for _, f := range files {
		base := filepath.Base(f)
		if _, dup := byName[base]; dup {
			return nil, fmt.Errorf("%w: two input files are named %s", ErrPatch, base)
		}
		data, err := readLimited(src, f, opts.maxFileSize())
		if err != nil {
			return nil, err
		}
		byName[base] = data
	}
	patched, err := Patch(byName, changes)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var written []string
	for _, name := range slices.Sorted(maps.Keys(byName)) {
		data := byName[name]
		if p, ok := patched[name]; ok {
			data = p
		}
		out := filepath.Join(dir, name)
		if err := os.WriteFile(out, data, 0o644); err != nil {
			return nil, err
		}
		written = append(written, out)
	}
	return written, nil
}

// patcher holds the decoded documents of a dump while changes are made.
type patcher struct {
	docs    map[string]map[string]any
	order   []string
	changed map[string]bool
}

// each calls f on every element of the top-level list key of every
// document, with the document's name, until f returns true.
func (p *patcher) each(key string, f func(name string, list []any, i int, el map[string]any) bool) bool {
	for _, name := range p.order {
		list, _ := p.docs[name][key].([]any)
		for i, e := range list {
			if el, ok := e.(map[string]any); ok && f(name, list, i, el) {
				return true
			}
		}
	}
	return false
}

// apply makes one change.
func (p *patcher) apply(c reach.Change) error {
	switch c.Kind {
	case reach.ResourceSecurityGroup:
		return p.groupRule(c)
	case reach.ResourceNetworkACL:
		return p.aclEntry(c)
	case reach.ResourceRouteTable:
		return p.route(c)
	case reach.ResourceInterface:
		return p.interfaceGroups(c)
	}
	return fmt.Errorf("a %s is not patched", c.Kind)
}

// groupRule adds, removes or replaces a security group rule, or adds a
// new group holding it.
func (p *patcher) groupRule(c reach.Change) error {
	if c.Rule == nil {
		return errors.New("no rule given")
	}
	if c.NewGroup {
		done := p.each("SecurityGroups", func(name string, list []any, _ int, _ map[string]any) bool {
			g := map[string]any{"GroupId": c.Resource, "GroupName": c.GroupName(),
				"Description": "made by reachsim fix", "VpcId": c.VPC, "IpPermissions": []any{}, "IpPermissionsEgress": []any{}}
			for _, r := range c.Defaults { // AWS's rules for a new group, which later changes remove
				key := "IpPermissions"
				if r.Direction == flow.Outbound {
					key = "IpPermissionsEgress"
				}
				g[key] = append(g[key].([]any), permissionOf(r))
			}
			p.docs[name]["SecurityGroups"] = append(list, g)
			p.changed[name] = true
			return true
		})
		if !done {
			return errors.New("the dump lists no security groups (describe-security-groups) to add one to")
		}
	}
	var found bool
	if c.Action == reach.ChangeRemove || c.Action == reach.ChangeReplace {
		old := c.Rule
		if c.Action == reach.ChangeReplace {
			old = c.Old
		}
		if old == nil {
			return errors.New("no rule to replace given")
		}
		found = p.removeRule(c.Resource, *old)
		if !found {
			return fmt.Errorf("%s lists no rule %s", c.Resource, old.String())
		}
		if c.Action == reach.ChangeRemove {
			return nil
		}
	}
	return p.addRule(c.Resource, *c.Rule)
}

// addRule adds rule to group id: to its IpPermissions (or
// IpPermissionsEgress), and to the rules listing when the dump has one
// with rules of the group.
func (p *patcher) addRule(id string, rule sg.Rule) error {
	key := "IpPermissions"
	if rule.Direction == flow.Outbound {
		key = "IpPermissionsEgress"
	}
	added := p.each("SecurityGroups", func(name string, _ []any, _ int, g map[string]any) bool {
		if g["GroupId"] != id {
			return false
		}
		perms, _ := g[key].([]any)
		g[key] = append(perms, permissionOf(rule))
		p.changed[name] = true
		return true
	})
	listed := p.each("SecurityGroupRules", func(name string, list []any, _ int, r map[string]any) bool {
		if r["GroupId"] != id {
			return false
		}
		el := map[string]any{"GroupId": id, "IsEgress": rule.Direction == flow.Outbound, "IpProtocol": protocolText(rule.Protocol),
			"Description": rule.Description, "SecurityGroupRuleId": p.newRuleID(len(list) + 1)}
		from, to := portsOf(rule)
		el["FromPort"], el["ToPort"] = from, to
		if rule.Peer.CIDR.Addr().Is6() {
			el["CidrIpv6"] = rule.Peer.CIDR.String()
		} else {
			el["CidrIpv4"] = rule.Peer.CIDR.String()
		}
		p.docs[name]["SecurityGroupRules"] = append(list, el)
		p.changed[name] = true
		return true
	})
	if !added && !listed {
		return fmt.Errorf("the dump does not hold security group %s", id)
	}
	return nil
}

// newRuleID returns an ID for a rule added to the rules listing:
// "sgr-reachsim-N" with the first N from n on that no rule of any listing
// has (a rule removed earlier in the same patch shortens the listing, so
// its length alone can name a rule already added).
func (p *patcher) newRuleID(n int) string {
	taken := map[any]bool{}
	p.each("SecurityGroupRules", func(_ string, _ []any, _ int, r map[string]any) bool {
		taken[r["SecurityGroupRuleId"]] = true
		return false
	})
	for ; taken["sgr-reachsim-"+strconv.Itoa(n)]; n++ {
	}
	return "sgr-reachsim-" + strconv.Itoa(n)
}

// permissionOf writes rule (whose peer is a CIDR block) as an
// IpPermission.
func permissionOf(rule sg.Rule) map[string]any {
	perm := map[string]any{"IpProtocol": protocolText(rule.Protocol), "UserIdGroupPairs": []any{}, "PrefixListIds": []any{},
		"IpRanges": []any{}, "Ipv6Ranges": []any{}}
	if rule.Protocol != flow.AllProtocols {
		from, to := portsOf(rule)
		perm["FromPort"], perm["ToPort"] = from, to
	}
	rng := map[string]any{"Description": rule.Description}
	if rule.Peer.CIDR.Addr().Is6() {
		rng["CidrIpv6"] = rule.Peer.CIDR.String()
		perm["Ipv6Ranges"] = []any{rng}
	} else {
		rng["CidrIp"] = rule.Peer.CIDR.String()
		perm["IpRanges"] = []any{rng}
	}
	return perm
}

// portsOf returns a rule's FromPort and ToPort as AWS writes them: the
// port range, the ICMP type and code, or -1 and -1.
func portsOf(rule sg.Rule) (from, to int) {
	switch {
	case rule.Protocol.HasPorts() && rule.PortZero:
		return 0, 0
	case rule.Protocol.HasPorts():
		return int(rule.Ports.Lo), int(rule.Ports.Hi)
	case rule.Protocol == flow.ICMP || rule.Protocol == flow.ICMPv6:
		return int(rule.ICMPType), int(rule.ICMPCode)
	}
	return -1, -1
}

// protocolText writes a protocol as AWS's JSON does: "tcp", "udp",
// "icmp", "icmpv6", "-1", or its number.
func protocolText(p flow.Protocol) string {
	switch p {
	case flow.AllProtocols:
		return "-1"
	case flow.TCP, flow.UDP, flow.ICMP, flow.ICMPv6:
		return p.String()
	}
	return strconv.Itoa(int(p))
}

// removeRule removes rule (a CIDR rule) from group id, wherever the dump
// lists it; it reports whether it found it.
func (p *patcher) removeRule(id string, rule sg.Rule) bool {
	key := "IpPermissions"
	if rule.Direction == flow.Outbound {
		key = "IpPermissionsEgress"
	}
	from, to := portsOf(rule)
	cidr := rule.Peer.CIDR.String()
	found := false
	p.each("SecurityGroups", func(name string, _ []any, _ int, g map[string]any) bool {
		if g["GroupId"] != id {
			return false
		}
		perms, _ := g[key].([]any)
		// the permission of that traffic that holds the block: AWS
		// prints one per traffic, but a rule an earlier change of the
		// patch added is a permission of its own
		for i, e := range perms {
			perm, _ := e.(map[string]any)
			if perm == nil || !sameTraffic(perm, rule, from, to) {
				continue
			}
			held := false
			for _, rk := range []string{"IpRanges", "Ipv6Ranges"} {
				rs, _ := perm[rk].([]any)
				keep := slices.DeleteFunc(slices.Clone(rs), func(r any) bool {
					m, _ := r.(map[string]any)
					return m != nil && (m["CidrIp"] == cidr || m["CidrIpv6"] == cidr)
				})
				if len(keep) != len(rs) {
					perm[rk], held, found, p.changed[name] = keep, true, true, true
				}
			}
			if !held {
				continue
			}
			if empty(perm) {
				g[key] = slices.Delete(perms, i, i+1)
			}
			break
		}
		return true
	})
	for _, name := range p.order {
		list, _ := p.docs[name]["SecurityGroupRules"].([]any)
		keep := slices.DeleteFunc(slices.Clone(list), func(e any) bool {
			r, _ := e.(map[string]any)
			return r != nil && r["GroupId"] == id && r["IsEgress"] == (rule.Direction == flow.Outbound) &&
				(rule.ID != "" && r["SecurityGroupRuleId"] == rule.ID ||
					rule.ID == "" && sameTraffic(r, rule, from, to) && (r["CidrIpv4"] == cidr || r["CidrIpv6"] == cidr))
		})
		if len(keep) != len(list) {
			p.docs[name]["SecurityGroupRules"], found, p.changed[name] = keep, true, true
		}
	}
	return found
}

// sameTraffic reports whether the permission or rule element e names
// rule's protocol and from and to ports.
func sameTraffic(e map[string]any, rule sg.Rule, from, to int) bool {
	if e["IpProtocol"] != protocolText(rule.Protocol) && !(rule.Protocol == flow.AllProtocols && e["IpProtocol"] == "all") {
		return false
	}
	if rule.Protocol == flow.AllProtocols {
		return true
	}
	return numberIs(e["FromPort"], from) && numberIs(e["ToPort"], to)
}

// numberIs reports whether v, a number of the dump (json.Number) or one
// an earlier change of the patch wrote (int), is n.
func numberIs(v any, n int) bool {
	switch v := v.(type) {
	case int:
		return v == n
	case json.Number:
		i, err := v.Int64()
		return err == nil && int(i) == n
	}
	return false
}

// empty reports whether a permission names no peer any more.
func empty(perm map[string]any) bool {
	for _, k := range []string{"IpRanges", "Ipv6Ranges", "UserIdGroupPairs", "PrefixListIds"} {
		if l, _ := perm[k].([]any); len(l) > 0 {
			return false
		}
	}
	return true
}

// aclEntry adds or replaces a network ACL entry.
func (p *patcher) aclEntry(c reach.Change) error {
	if c.Entry == nil {
		return errors.New("no entry given")
	}
	e := *c.Entry
	done := p.each("NetworkAcls", func(name string, _ []any, _ int, a map[string]any) bool {
		if a["NetworkAclId"] != c.Resource {
			return false
		}
		entries, _ := a["Entries"].([]any)
		if c.Action == reach.ChangeReplace {
			entries = slices.DeleteFunc(slices.Clone(entries), func(x any) bool {
				m, _ := x.(map[string]any)
				return m != nil && numberIs(m["RuleNumber"], e.Number) && m["Egress"] == (e.Direction == flow.Outbound)
			})
		}
		a["Entries"] = append(entries, entryJSON(e))
		p.changed[name] = true
		return true
	})
	if !done {
		return fmt.Errorf("the dump does not hold network ACL %s", c.Resource)
	}
	return nil
}

// entryJSON writes an ACL entry as describe-network-acls does.
func entryJSON(e nacl.Entry) map[string]any {
	action := "allow"
	if e.Action == flow.Drop {
		action = "deny"
	}
	out := map[string]any{"RuleNumber": e.Number, "Egress": e.Direction == flow.Outbound, "Protocol": strconv.Itoa(int(e.Protocol)),
		"RuleAction": action}
	if e.Protocol == flow.AllProtocols {
		out["Protocol"] = "-1"
	}
	if e.CIDR.Addr().Is6() {
		out["Ipv6CidrBlock"] = e.CIDR.String()
	} else {
		out["CidrBlock"] = e.CIDR.String()
	}
	switch {
	case e.Protocol.HasPorts():
		out["PortRange"] = map[string]any{"From": int(e.Ports.Lo), "To": int(e.Ports.Hi)}
	case e.Protocol == flow.ICMP || e.Protocol == flow.ICMPv6:
		out["IcmpTypeCode"] = map[string]any{"Type": int(e.ICMPType), "Code": int(e.ICMPCode)}
	}
	return out
}

// route adds a route to the internet gateway.
func (p *patcher) route(c reach.Change) error {
	if c.Route == nil || c.Route.Target != reach.TargetInternetGateway {
		return errors.New("only a route to an internet gateway is patched")
	}
	done := p.each("RouteTables", func(name string, _ []any, _ int, rt map[string]any) bool {
		if rt["RouteTableId"] != c.Resource {
			return false
		}
		routes, _ := rt["Routes"].([]any)
		r := map[string]any{"GatewayId": c.Route.TargetID, "Origin": "CreateRoute", "State": "active"}
		if d := c.Route.Destination; d.Addr().Is6() {
			r["DestinationIpv6CidrBlock"] = d.String()
		} else {
			r["DestinationCidrBlock"] = d.String()
		}
		rt["Routes"] = append(routes, r)
		p.changed[name] = true
		return true
	})
	if !done {
		return fmt.Errorf("the dump does not hold route table %s", c.Resource)
	}
	return nil
}

// groupName returns the GroupName the dump lists group id with, or id
// when it lists none.
func (p *patcher) groupName(id string) any {
	var name any = id
	p.each("SecurityGroups", func(_ string, _ []any, _ int, g map[string]any) bool {
		if g["GroupId"] == id && g["GroupName"] != nil {
			name = g["GroupName"]
			return true
		}
		return false
	})
	return name
}

// interfaceGroups sets an interface's groups.
func (p *patcher) interfaceGroups(c reach.Change) error {
	done := p.each("NetworkInterfaces", func(name string, _ []any, _ int, ni map[string]any) bool {
		if ni["NetworkInterfaceId"] != c.Resource {
			return false
		}
		had := map[any]any{}
		old, _ := ni["Groups"].([]any)
		for _, e := range old {
			if g, ok := e.(map[string]any); ok {
				had[g["GroupId"]] = g // kept as listed, with its name
			}
		}
		groups := make([]any, len(c.Groups))
		for i, g := range c.Groups {
			groups[i] = had[g]
			if groups[i] == nil {
				groups[i] = map[string]any{"GroupId": g, "GroupName": p.groupName(g)}
			}
		}
		ni["Groups"] = groups
		p.changed[name] = true
		return true
	})
	if !done {
		return fmt.Errorf("the dump does not hold network interface %s (describe-network-interfaces)", c.Resource)
	}
	return nil
}

package reach

// NAT64 in the scope of a diff (diff_scope.go).
//
// When a route sends addresses of the NAT64 prefix to a translator (a
// NAT gateway, or an appliance that may translate: routesNAT64), an
// interface's session to 64:ff9b::a.b.c.d is a pair with the internet
// (no resource holds the address) whose answer is the IPv4 session from
// the translator to a.b.c.d (nat64.go). When a.b.c.d is an address of the
// design (10.0.0.10, web's, or its Elastic IP), that IPv4 session meets
// the destination's security groups, its subnet's network ACL and route
// table (the reply to the translator's address): a change there changes
// the pair "source -> internet" though neither end is the changed
// resource. The translator's own side (a NAT gateway, its subnet, a
// route to it) is the middle already, and so is an appliance
// (a route's target), both of which make every pair in scope.
//
// scopeNAT64 puts in scope, for such a change, every pair from an
// interface with an IPv6 address (a source that may send to the prefix)
// to the internet, when
//
//   - an interface in scope as an end (dirty: its groups, its
//     subnet's ACL or association, its own addresses changed, or the
//     groups its groups reference) holds an IPv4 address in either model,
//     which some address of the prefix stands for; or
//   - a changed route of a workload subnet covers an address of a route's
//     target interface (a NAT64 instance's address, which the reply of a
//     session it translates goes back to).
//
// Other changes cannot touch a NAT64 session: the translated packet's
// source is the translator's address, its destination the embedded IPv4
// address, and what lies between (NAT gateways, gateways, peerings,
// transit gateways, middleboxes' subnets) is the middle.

// scopeNAT64 extends s (placed, not all) with the pairs whose NAT64
// sessions the changes between a and b can touch; targets are the
// interfaces routes send packets to (transitSubnets).
func (s *diffScope) scopeNAT64(a, b *Model, targets map[string]bool) {
	if !a.routesNAT64() && !b.routesNAT64() {
		return
	}
	touched := false
	for id := range s.dirty {
		touched = touched || holdsIPv4(a, id) || holdsIPv4(b, id)
	}
	for _, r := range s.rects {
		for id := range r.cols.ids {
			touched = touched || targets[id]
		}
	}
	if !touched {
		return
	}
	rows := nodeSet{ids: map[string]bool{}}
	for _, m := range []*Model{a, b} {
		for _, ii := range m.ifaceOrder {
			if _, v6 := ii.addr(true); v6 {
				rows.ids[ii.ID] = true
			}
		}
	}
	if len(rows.ids) > 0 {
		s.rects = append(s.rects, scopeRect{rows, nodeSet{internet: true}})
	}
}

// holdsIPv4 reports whether interface id of m holds an IPv4 address:
// a private one or a public one (an Elastic IP, which the translator
// reaches through the internet gateway).
func holdsIPv4(m *Model, id string) bool {
	ii := m.ifaces[id]
	if ii == nil {
		return false
	}
	if ii.PublicIP.IsValid() || len(ii.PublicIPs) > 0 {
		return true
	}
	_, v4 := ii.addr(false)
	return v4
}

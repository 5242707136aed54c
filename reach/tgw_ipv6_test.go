package reach_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
)

// dualStackTGWDesign is the transit gateway design (newTGWDesign) made
// dual-stack: vpc-a 2001:db8:a::/56 and vpc-b 2001:db8:b::/56, app-a
// 2001:db8:a:1::10 and app-b 2001:db8:b:1::10, each VPC routing the
// other's IPv6 block to tgw-1, ACLs and groups open to IPv6 too. Both
// attachments propagate to tgw-rtb-1, without IPv6 support (AWS's
// default).
func dualStackTGWDesign() *tgwDesign {
	d := newTGWDesign()
	d.vpcs[0].CIDRs = append(d.vpcs[0].CIDRs, pfx("2001:db8:a::/56"))
	d.vpcs[1].CIDRs = append(d.vpcs[1].CIDRs, pfx("2001:db8:b::/56"))
	v6 := map[string]string{"subnet-a": "2001:db8:a:1::/64", "subnet-a2": "2001:db8:a:2::/64", "subnet-ta": "2001:db8:a:9::/64",
		"subnet-b": "2001:db8:b:1::/64", "subnet-b2": "2001:db8:b:2::/64", "subnet-tb": "2001:db8:b:9::/64"}
	for i := range d.subnets {
		d.subnets[i].CIDRs = append(d.subnets[i].CIDRs, pfx(v6[d.subnets[i].ID]))
	}
	d.ifaces[0].PrivateIPs = append(d.ifaces[0].PrivateIPs, ba("2001:db8:a:1::10"))
	d.ifaces[2].PrivateIPs = append(d.ifaces[2].PrivateIPs, ba("2001:db8:b:1::10"))
	d.rts[0].Routes = append(d.rts[0].Routes, reach.Route{Destination: pfx("2001:db8:b::/56"), Target: reach.TargetTransitGateway, TargetID: "tgw-1"})
	d.rts[1].Routes = append(d.rts[1].Routes, reach.Route{Destination: pfx("2001:db8:a::/56"), Target: reach.TargetTransitGateway, TargetID: "tgw-1"})
	d.acls[0], d.acls[1] = nacl.NewDefault("acl-a", "vpc-a", true), nacl.NewDefault("acl-b", "vpc-b", true)
	return d
}

func (d *tgwDesign) buildOpen(t *testing.T) *reach.Model {
	t.Helper()
	m, err := reach.NewBuilder().AddVPC(d.vpcs...).AddSubnet(d.subnets...).AddRouteTable(d.rts...).AddNetworkACL(d.acls...).
		AddSecurityGroup(openGroup("sg-open")).AddInterface(d.ifaces...).
		AddTransitGateway(reach.TransitGateway{ID: "tgw-1", Name: "hub"}).AddTGWRouteTable(d.tgwRTs...).AddTGWAttachment(d.atts...).Build()
	require.NoError(t, err)
	return m
}

// TestTransitGatewayIPv6Support: AWS propagates a VPC attachment's IPv6
// blocks only when its Ipv6Support is enable (the default is disable):
// "When disabled, the network interface does not receive an IPv6
// address, and IPv6 routes do not propagate"
// (API_CreateTransitGatewayVpcAttachmentRequestOptions). Whether IPv6
// that a static route sends through such an attachment passes, AWS's
// documents leave open ("The setting does not filter IPv6 traffic"
// there; the IPv6 on AWS whitepaper: the attachment's interfaces "need
// to have IPv6 addresses"): undecided, unless something blocks for
// certain.
func TestTransitGatewayIPv6Support(t *testing.T) {
	v6 := flow.MustParse("tcp [2001:db8:a:1::10]:50000 -> [2001:db8:b:1::10]:443")
	v4 := flow.MustParse("tcp 10.1.1.10:50000 -> 10.2.1.10:443")
	static := func(d *tgwDesign) {
		d.routes("tgw-rtb-1", tgwRoute("2001:db8:a::/56", "att-a", false), tgwRoute("2001:db8:b::/56", "att-b", false))
	}
	tests := []struct {
		name    string
		edit    func(d *tgwDesign)
		f       flow.Flow
		outcome reach.Outcome
		codes   []reach.Code
		missing []string // attachments the undecided hops name
	}{
		{"without IPv6 support the IPv6 blocks are not propagated: no route", func(*tgwDesign) {}, v6,
			reach.Unreachable, []reach.Code{reach.TGWNoRoute}, nil},
		{"IPv4 is propagated all the same", func(*tgwDesign) {}, v4, reach.Reachable, nil, nil},
		{"with IPv6 support on both attachments the IPv6 blocks propagate", func(d *tgwDesign) {
			d.atts[0].IPv6Support, d.atts[1].IPv6Support = true, true
		}, v6, reach.Reachable, nil, nil},
		{"IPv6 support on the destination's attachment only: its block propagates, the reply finds no route", func(d *tgwDesign) {
			d.atts[1].IPv6Support = true
		}, v6, reach.Unreachable, []reach.Code{reach.TGWIPv6Unsupported, reach.TGWNoRoute.OnLeg(reach.Return)}, []string{"att-a"}},
		{"static IPv6 routes through attachments without IPv6 support are undecided both ways", static, v6,
			reach.Indeterminate, []reach.Code{reach.TGWIPv6Unsupported, reach.TGWIPv6Unsupported.OnLeg(reach.Return)}, []string{"att-a and att-b", "att-b and att-a"}},
		{"static IPv6 routes, one attachment without IPv6 support: undecided", func(d *tgwDesign) {
			static(d)
			d.atts[0].IPv6Support = true
		}, v6, reach.Indeterminate, []reach.Code{reach.TGWIPv6Unsupported, reach.TGWIPv6Unsupported.OnLeg(reach.Return)}, []string{"att-b", "att-b"}},
		{"static IPv6 routes with IPv6 support on both: reachable", func(d *tgwDesign) {
			static(d)
			d.atts[0].IPv6Support, d.atts[1].IPv6Support = true, true
		}, v6, reach.Reachable, nil, nil},
		{"a certain block beyond the undecided hop decides", func(d *tgwDesign) {
			static(d)
			d.subnet("subnet-b").ACL = "acl-deny-b"
		}, v6, reach.Unreachable, []reach.Code{reach.TGWIPv6Unsupported, reach.ACLDefaultDeny, reach.ACLDefaultDeny.OnLeg(reach.Return),
			reach.TGWIPv6Unsupported.OnLeg(reach.Return)}, []string{"att-a and att-b", "att-b and att-a"}},
		{"IPv4 through attachments without IPv6 support is unaffected", static, v4, reach.Reachable, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := dualStackTGWDesign()
			tt.edit(d)
			r, err := d.buildOpen(t).CheckFlow(tt.f)
			require.NoError(t, err)
			assert.Equal(t, tt.outcome, r.Outcome, r.Text())
			if len(tt.codes) == 0 {
				tt.codes = []reach.Code{}
			}
			assert.Equal(t, tt.codes, r.Codes(), r.Text())
			var missing []string
			for _, h := range append(r.Forward, r.Return...) {
				if h.Code.OnLeg(reach.Forward) == reach.TGWIPv6Unsupported || h.Code == reach.TGWIPv6Unsupported.OnLeg(reach.Return) {
					require.Equal(t, flow.Indeterminate, h.Verdict)
					assert.Contains(t, h.Fix, "enable IPv6 support on ")
					missing = append(missing, h.Missing)
				}
			}
			require.Len(t, missing, len(tt.missing), r.Text())
			for i, m := range tt.missing {
				assert.Equal(t, "whether the transit gateway carries IPv6 through "+m+", IPv6 support disabled", missing[i])
			}
		})
	}
}

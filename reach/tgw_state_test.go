package reach_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
)

// TestTGWAttachmentStateUnknown: an attachment whose state the input does
// not decide (another account's attachment that may stay pending
// acceptance) carries traffic only once available: a packet that would
// enter or leave the gateway through it is undecided, naming it, never a
// certain Reachable; a packet the gateway drops whatever the state (no
// route) stays certain; one that does not cross it is judged as usual.
func TestTGWAttachmentStateUnknown(t *testing.T) {
	const pending = "attachment of another account, which nothing accepts"
	for _, tt := range []struct {
		name    string
		edit    func(d *tgwDesign)
		q       reach.Query
		outcome reach.Outcome
		codes   []reach.Code
	}{
		{"entering through it", func(d *tgwDesign) { d.atts[0].StateUnknown = pending },
			tcp("app-a", "app-b", 443), reach.Indeterminate, []reach.Code{reach.TGWAttachmentStateUnknown, "RETURN_TGW_ATTACHMENT_STATE_UNKNOWN"}},
		{"leaving through it", func(d *tgwDesign) { d.atts[1].StateUnknown = pending },
			tcp("app-a", "app-b", 443), reach.Indeterminate, []reach.Code{reach.TGWAttachmentStateUnknown, "RETURN_TGW_ATTACHMENT_STATE_UNKNOWN"}},
		{"no route: dropped whatever its state", func(d *tgwDesign) { d.atts[0].StateUnknown, d.atts[0].RouteTable = pending, "tgw-rtb-iso" },
			tcp("app-a", "app-b", 443), reach.Unreachable, []reach.Code{reach.TGWNoRoute}},
		{"another attachment's state decides nothing here", func(d *tgwDesign) {
			d.atts = append(d.atts, reach.TGWAttachment{ID: "att-c", TransitGateway: "tgw-1", Type: "vpn", RouteTable: "tgw-rtb-1", StateUnknown: pending})
		}, tcp("app-a", "app-b", 443), reach.Reachable, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := newTGWDesign()
			tt.edit(d)
			r := check(t, d.build(t), tt.q)
			assert.Equal(t, tt.outcome, r.Outcome, r.Text())
			if tt.codes == nil {
				tt.codes = []reach.Code{}
			}
			assert.Equal(t, tt.codes, r.Codes(), r.Text())
			if tt.outcome == reach.Indeterminate {
				assert.Contains(t, r.Text(), pending, "the hop's missing names why the state is undecided")
			}
			v, err := d.build(t).Verdict(tt.q)
			require.NoError(t, err)
			assert.Equal(t, tt.outcome, v, "Verdict answers as Check does")
		})
	}
}

// The set questions answer beside an attachment whose state is unknown
// as Check does.
func TestTGWAttachmentStateUnknownSets(t *testing.T) {
	d := newTGWDesign()
	d.atts[1].StateUnknown = "attachment of another account, which nothing accepts"
	brute.CheckSetAnswers(t, d.build(t), brute.Options{Few: true,
		Ports:   []reach.PortsQuery{{From: "app-a", To: "app-b", Protocol: flow.TCP}, {From: "app-b2", To: "app-a", Protocol: flow.TCP}},
		Sources: []reach.SourcesQuery{{To: "app-b", Protocol: flow.TCP, Port: 443}, {To: "app-a", Protocol: flow.TCP, Port: 443}},
	})
}

// An IPv6 packet through an attachment without IPv6 support whose state
// is unknown too: the hop keeps its IPv6 code, and its missing names the
// state as well.
func TestTGWAttachmentStateUnknownAndIPv6(t *testing.T) {
	d := dualStackTGWDesign()
	d.routes("tgw-rtb-1", tgwRoute("2001:db8:a::/56", "att-a", false), tgwRoute("2001:db8:b::/56", "att-b", false))
	d.atts[1].StateUnknown = "att-b is another account's"
	r, err := d.buildOpen(t).CheckFlow(flow.MustParse("tcp [2001:db8:a:1::10]:50000 -> [2001:db8:b:1::10]:443"))
	require.NoError(t, err)
	assert.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
	assert.Equal(t, []reach.Code{reach.TGWIPv6Unsupported, reach.TGWIPv6Unsupported.OnLeg(reach.Return)}, r.Codes(), r.Text())
	hs := r.Undecided()
	require.NotEmpty(t, hs, r.Text())
	assert.Contains(t, hs[0].Missing, "IPv6 support disabled; and whether att-b is available (carries traffic): att-b is another account's", r.Text())
}

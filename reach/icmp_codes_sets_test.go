package reach_test

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/sg"
)

// icmpCodeDesign is the sample design with the app tier's ACL allowing
// everything, its group every inbound session, and, with entry, an ACL
// entry ahead naming one ICMP code (type typ code 4): a filter that cuts
// the codes of the ICMP space while deciding nothing else.
func icmpCodeDesign(t *testing.T, entry bool, typ uint8) *reach.Model {
	t.Helper()
	d := sample.ThreeTierDesign()
	all := func() []nacl.Entry {
		var out []nacl.Entry
		for _, dir := range []flow.Direction{flow.Inbound, flow.Outbound} {
			out = append(out, nacl.Entry{Number: 100, Action: flow.Pass, Direction: dir, Protocol: flow.AllProtocols, CIDR: netip.MustParsePrefix("0.0.0.0/0"), Ports: flow.AllPorts})
		}
		return out
	}
	for i := range d.ACLs {
		if d.ACLs[i].ID == "acl-app" {
			d.ACLs[i].Entries = all()
			if entry {
				d.ACLs[i].Entries = append([]nacl.Entry{{Number: 50, Action: flow.Pass, Direction: flow.Inbound, Protocol: flow.ICMP,
					ICMPType: int16(typ), ICMPCode: 4, CIDR: netip.MustParsePrefix("0.0.0.0/0")}}, d.ACLs[i].Entries...)
			}
		}
	}
	for i := range d.Groups {
		if d.Groups[i].ID == "sg-app" {
			d.Groups[i].Rules = append(d.Groups[i].Rules, sg.Rule{Direction: flow.Inbound, Protocol: flow.AllProtocols, Peer: sg.AnyIPv4})
		}
	}
	m, err := d.Builder().Build()
	require.NoError(t, err)
	return m
}

// TestICMPCodesInSetAnswers: a filter that names an ICMP code cuts the
// code space, so the set answers meet a type once per code atom. Matrix
// and Diff kept only the last code run of a type met again after others
// (type 1 code 0, say, counted as closed), so Matrix disagreed with
// Verdict and adding the path-MTU entry (ICMP type 3 code 4) to an ACL
// that allows everything was reported as lost ICMP (audit sets19).
func TestICMPCodesInSetAnswers(t *testing.T) {
	classOf := func(mx *reach.Matrix, id string) string {
		for _, c := range mx.Classes {
			for _, mem := range c.Members {
				if mem.ID == id {
					return c.Name
				}
			}
		}
		return reach.InternetNode
	}
	for _, typ := range []uint8{3, 40} {
		t.Run(fmt.Sprintf("Matrix agrees with Verdict, an entry for type %d code 4", typ), func(t *testing.T) {
			m := icmpCodeDesign(t, true, typ)
			mx, err := m.Matrix(reach.MatrixOptions{})
			require.NoError(t, err)
			c := brute.CellOf(mx, classOf(mx, "eni-web1"), classOf(mx, "eni-app1"))
			var bad []string
			for ty := range 256 {
				for code := range 6 {
					q := reach.Query{From: "eni-web1", To: "eni-app1", Protocol: flow.ICMP, ICMP: &reach.ICMPMessage{Type: uint8(ty), Code: uint8(code)}}
					got, err := m.Verdict(q)
					require.NoError(t, err)
					if want := brute.CellOutcome(c, q); got != want {
						bad = append(bad, fmt.Sprintf("type %d code %d: cell %s, Verdict %s", ty, code, want, got))
					}
				}
			}
			assert.Empty(t, bad, "%v", c.Allowed.ICMP)
		})
	}
	t.Run("Diff: the path-MTU entry ahead of allow-all changes nothing", func(t *testing.T) {
		r, err := reach.Diff(icmpCodeDesign(t, false, 3), icmpCodeDesign(t, true, 3), reach.DiffOptions{NoInternet: true})
		require.NoError(t, err)
		assert.Empty(t, r.Changes, "%s", r.Text())
	})
}

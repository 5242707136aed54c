package reach_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

// BenchmarkPortsLarge answers one pair's open ports on the 1,000-interface
// model: fast is Ports, brute-force a Verdict per port (1-65535) from the
// default client port.
func BenchmarkPortsLarge(b *testing.B) {
	m := mustLargeModel(b)
	for _, tc := range []struct {
		name string
		q    reach.PortsQuery
	}{
		{"across-zones", reach.PortsQuery{From: largeAcrossZones.From, To: largeAcrossZones.To, Protocol: flow.TCP}},
		{"from-internet", reach.PortsQuery{From: largeFromInternet.From, To: largeFromInternet.To, Protocol: flow.TCP}},
	} {
		want, err := m.Ports(tc.q)
		require.NoError(b, err)
		b.Run(tc.name+"/fast", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := m.Ports(tc.q); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(tc.name+"/brute-force", func(b *testing.B) {
			b.ReportAllocs()
			q := reach.Query{From: tc.q.From, To: tc.q.To, Protocol: tc.q.Protocol}
			for b.Loop() {
				var open []flow.PortRange
				for p := 1; p <= 65535; p++ {
					q.Port = uint16(p)
					if o, _ := m.Verdict(q); o == reach.Reachable {
						open = append(open, flow.Single(uint16(p)))
					}
				}
				if got := flow.SetOf(open...); !got.Equal(want.Open) {
					b.Fatalf("brute force %s, Ports %s", got, want.Open)
				}
			}
		})
	}
}

// BenchmarkAuditLarge audits the 1,000-interface model: fast is Audit,
// brute-force Sources for every interface and every port of the
// catalogue.
func BenchmarkAuditLarge(b *testing.B) {
	m := mustLargeModel(b)
	b.Run("fast", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := m.Audit(reach.AuditOptions{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("brute-force", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			exposed := 0
			for _, in := range m.Interfaces() {
				id := in.ID
				for _, risk := range reach.RiskyServices() {
					for _, r := range risk.Ports.Ranges() {
						for p := int(r.Lo); p <= int(r.Hi); p++ {
							s, err := m.Sources(reach.SourcesQuery{To: id, Protocol: risk.Protocol, Port: uint16(p)})
							if err != nil {
								b.Fatal(err)
							}
							if len(s.Internet) > 0 {
								exposed++
							}
						}
					}
				}
			}
		}
	})
}

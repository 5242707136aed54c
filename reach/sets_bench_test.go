package reach_test

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
)

// BenchmarkPortsLarge answers one pair's open ports on the 1,000-interface
// model: fast is Ports; by-atom its slow reference, a walk per atom of
// ports (Ports before it went hop by hop); fast-cold-grid Ports without
// the firewall's verdict grid from an earlier question, fast-cold without
// its bounds either (the first question on the model); brute-force a
// Verdict per port (1-65535) from the default client port, or per ICMP
// type and code.
func BenchmarkPortsLarge(b *testing.B) {
	m := mustLargeModel(b)
	for _, tc := range []struct {
		name string
		q    reach.PortsQuery
	}{
		{"across-zones", reach.PortsQuery{From: largeAcrossZones.From, To: largeAcrossZones.To, Protocol: flow.TCP}},
		{"from-internet", reach.PortsQuery{From: largeFromInternet.From, To: largeFromInternet.To, Protocol: flow.TCP}},
		{"from-internet-icmp", reach.PortsQuery{From: largeFromInternet.From, To: largeFromInternet.To, Protocol: flow.ICMP}},
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
		b.Run(tc.name+"/by-atom", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := reach.PortsByAtom(m, tc.q); err != nil {
					b.Fatal(err)
				}
			}
		})
		for _, cold := range []struct {
			name   string
			bounds bool
		}{{"fast-cold-grid", false}, {"fast-cold", true}} {
			b.Run(tc.name+"/"+cold.name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					reach.ForgetFirewallCaches(m, cold.bounds)
					if _, err := m.Ports(tc.q); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
		b.Run(tc.name+"/brute-force", func(b *testing.B) {
			b.ReportAllocs()
			q := reach.Query{From: tc.q.From, To: tc.q.To, Protocol: tc.q.Protocol}
			if q.Protocol.IsICMP() {
				for b.Loop() {
					bruteICMP(b, m, q, want.ICMP)
				}
				return
			}
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

// bruteICMP checks q for every ICMP type and code by Verdict, and
// demands the types and codes open be want.
func bruteICMP(b *testing.B, m *reach.Model, q reach.Query, want []reach.ICMPCodes) {
	var got []reach.ICMPCodes
	for t := range 256 {
		var codes []flow.Range[uint8]
		for c := range 256 {
			q.ICMP = &reach.ICMPMessage{Type: uint8(t), Code: uint8(c)}
			if o, _ := m.Verdict(q); o == reach.Reachable {
				codes = append(codes, flow.Single(uint8(c)))
			}
		}
		if len(codes) > 0 {
			got = append(got, reach.ICMPCodes{Type: uint8(t), Codes: flow.SetOf(codes...)})
		}
	}
	if !slices.EqualFunc(got, want, func(a, b reach.ICMPCodes) bool { return a.Type == b.Type && a.Codes.Equal(b.Codes) }) {
		b.Fatalf("brute force %v, Ports %v", got, want)
	}
}

// BenchmarkAuditLarge audits the 1,000-interface model: fast is Audit,
// brute-force Sources for every port of the catalogue on every 50th
// interface (all of them would take most of an hour); both report the
// time per interface.
func BenchmarkAuditLarge(b *testing.B) {
	m := mustLargeModel(b)
	ifaces := m.Interfaces()
	b.Run("fast", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := m.Audit(reach.AuditOptions{}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(ifaces)), "ns/interface")
	})
	b.Run("brute-force", func(b *testing.B) {
		b.ReportAllocs()
		n := 0
		for b.Loop() {
			for i := 0; i < len(ifaces); i += 50 {
				n++
				for _, risk := range reach.RiskyServices() {
					for _, r := range risk.Ports.Ranges() {
						for p := int(r.Lo); p <= int(r.Hi); p++ {
							if _, err := m.Sources(reach.SourcesQuery{To: ifaces[i].ID, Protocol: risk.Protocol, Port: uint16(p)}); err != nil {
								b.Fatal(err)
							}
						}
					}
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/interface")
	})
}

// BenchmarkMatrix answers the whole matrix: fast is Matrix (factored
// through placements), reference walks every pair of classes whole
// (MatrixReference: the brute-force loop over pairs), on the sample
// design, on a generated three-VPC design full of middleboxes, and (fast
// only: the reference would take most of an hour) on the
// 1,000-interface model.
func BenchmarkMatrix(b *testing.B) {
	sampleModel, err := sample.ThreeTier().Build()
	require.NoError(b, err)
	g := randomWalkDesignN(rand.New(rand.NewPCG(7, 7)), 3)
	spice(rand.New(rand.NewPCG(7, 8)), g.d)
	walkModel, err := g.d.Builder().Build()
	require.NoError(b, err)
	for _, tc := range []struct {
		name string
		m    *reach.Model
	}{{"sample", sampleModel}, {"three-vpcs", walkModel}} {
		b.Run(tc.name+"/fast", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := tc.m.Matrix(reach.MatrixOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(tc.name+"/reference", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := reach.MatrixReference(tc.m, reach.MatrixOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("large/fast", func(b *testing.B) {
		m := mustLargeModel(b)
		b.ReportAllocs()
		for b.Loop() {
			mx, err := m.Matrix(reach.MatrixOptions{})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(len(mx.Classes)), "classes")
			b.ReportMetric(float64(len(mx.Cells)), "cells")
		}
	})
	// first: the matrix of a model just built, whose caches (the
	// firewall's bounds and verdict grids, the classes, the internet's
	// pieces) are empty, as `reachsim matrix` asks it once a run; the
	// build is not timed. large/fast asks one model again and again, so
	// after its first round it reads those caches.
	b.Run("large/first", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			b.StopTimer()
			m, err := largeTopology().Build()
			require.NoError(b, err)
			b.StartTimer()
			if _, err := m.Matrix(reach.MatrixOptions{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

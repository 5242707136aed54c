package nacl_test

import (
	"fmt"
	"testing"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
)

// genMax returns an ACL at AWS's maximum size, counted per family: 40
// inbound and 40 outbound entries for IPv4 and as many for IPv6. In each
// direction and family, 39 filler entries fail on the port, the protocol or
// the address of the benchmark flows, and the last one allows TCP inPorts
// from remote (inbound) or outPorts to remote (outbound).
func genMax(id, remote4, remote6, inPorts, outPorts string) nacl.ACL {
	a := nacl.NewCustom(id, "vpc-bench")
	for _, dir := range []string{"from", "to"} {
		for fam, everyone := range []string{"0.0.0.0/0", "::/0"} {
			for i := range 39 {
				n := 10*(i+1) - 5*fam
				var s string
				switch i % 4 {
				case 0:
					s = fmt.Sprintf("%d deny tcp %d %s %s", n, 22+i, dir, everyone)
				case 1:
					s = fmt.Sprintf("%d allow udp 53 %s %s", n, dir, everyone)
				case 2:
					host := fmt.Sprintf("203.0.113.%d/32", i)
					if fam == 1 {
						host = fmt.Sprintf("2001:db8:dead::%x/128", i)
					}
					s = fmt.Sprintf("%d deny all %s %s", n, dir, host)
				case 3:
					icmp := "icmp"
					if fam == 1 {
						icmp = "icmpv6"
					}
					s = fmt.Sprintf("%d allow %s type 8 %s %s", n, icmp, dir, everyone)
				}
				a.Entries = append(a.Entries, en(s))
			}
			remote, ports := remote4, inPorts
			if fam == 1 {
				remote = remote6
			}
			if dir == "to" {
				ports = outPorts
			}
			a.Entries = append(a.Entries, en(fmt.Sprintf("%d allow tcp %s %s %s", 400-5*fam, ports, dir, remote)))
		}
	}
	return a
}

// maxACL is the server side of the benchmarks: it lets 198.51.100.0/24 and
// 2001:db8:beef::/48 reach port 443, by its last entries.
func maxACL() nacl.ACL {
	return genMax("acl-server", "198.51.100.0/24", "2001:db8:beef::/48", "443", "1024-65535")
}

// clientACL is the matching client side.
func clientACL() nacl.ACL {
	return genMax("acl-client", "10.0.0.0/16", "2001:db8::/48", "1024-65535", "443")
}

var (
	benchLast    = flow.MustParse("tcp 198.51.100.7:50000 -> 10.0.0.5:443")            // matched by the last IPv4 inbound entry
	benchLast6   = flow.MustParse("tcp [2001:db8:beef::7]:50000 -> [2001:db8::5]:443") // matched by the last IPv6 inbound entry
	benchDefault = flow.MustParse("tcp 192.0.2.1:50000 -> 10.0.0.5:443")               // matched by none: "*"
	benchRequest = benchLast                                                           // client -> server for the round trip
	sinkDecision nacl.Decision
)

func BenchmarkEvaluate(b *testing.B) {
	acl := maxACL()
	ev, err := nacl.Compile(acl)
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		f    flow.Flow
	}{{"last-entry", benchLast}, {"last-entry-ipv6", benchLast6}, {"star", benchDefault}} {
		b.Run("fast/"+bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sinkDecision = ev.Evaluate(bc.f, flow.Inbound)
			}
		})
		b.Run("explain/"+bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sinkDecision = ev.Explain(bc.f, flow.Inbound)
			}
		})
		b.Run("reference/"+bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sinkDecision.Verdict, sinkDecision.Entry.Number = refEvaluate(acl, bc.f, flow.Inbound)
			}
		})
	}
}

func BenchmarkCompile(b *testing.B) {
	acl := maxACL()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := nacl.Compile(acl); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAllowedPorts(b *testing.B) {
	ev := nacl.MustCompile(clientACL())
	reply := benchRequest.Reverse()
	b.ReportAllocs()
	for b.Loop() {
		_ = ev.AllowedPorts(reply, flow.Inbound)
	}
}

func BenchmarkCheckRoundTrip(b *testing.B) {
	client, server := nacl.MustCompile(clientACL()), nacl.MustCompile(maxACL())
	if rt := nacl.CheckRoundTrip(benchRequest, client, server); !rt.OK() {
		b.Fatalf("the benchmark round trip should pass:\n%s", rt)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = nacl.CheckRoundTrip(benchRequest, client, server)
	}
}

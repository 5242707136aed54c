package flow

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestPlainV4IsValid holds Validate's fast path to the full check: on
// every combination of protocols, address kinds, ports, ICMP fields and
// domains below, Validate and validate agree, and a flow plainV4 takes is
// one validate accepts.
func TestPlainV4IsValid(t *testing.T) {
	addrs := []netip.Addr{
		{},
		netip.MustParseAddr("10.0.0.1"),
		netip.MustParseAddr("192.0.2.7"),
		netip.MustParseAddr("2001:db8::1"),
		netip.MustParseAddr("::ffff:10.0.0.1"),
		netip.MustParseAddr("fe80::1%eth0"),
	}
	protos := []Protocol{TCP, UDP, ICMP, ICMPv6, SCTP, 0, 47, 255, -1, 256}
	ports := []uint16{0, 22}
	icmp := []uint8{0, 8}
	domains := []string{"", "www.example.com", "bad domain"}
	plain := 0
	for _, pr := range protos {
		for _, s := range addrs {
			for _, d := range addrs {
				for _, sp := range ports {
					for _, dp := range ports {
						for _, ty := range icmp {
							for _, dom := range domains {
								f := Flow{Protocol: pr, Src: netip.AddrPortFrom(s, sp), Dst: netip.AddrPortFrom(d, dp), ICMPType: ty, ICMPCode: ty, Domain: dom}
								full := f.validate()
								if f.plainV4() {
									plain++
									if !assert.NoError(t, full, "%+v", f) {
										return
									}
								}
								if !assert.Equal(t, full, f.Validate(), "%+v", f) {
									return
								}
							}
						}
					}
				}
			}
		}
	}
	assert.Positive(t, plain)
}

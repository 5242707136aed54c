package reach

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/addrset"
)

// setCuts counts a set's edges where membership changes between two
// addresses of could, across its gaps too, and takes a set as a whole.
func TestSetCuts(t *testing.T) {
	a := netip.MustParseAddr
	r := func(from, to string) flow.AddrRange { return flow.AddrRange{From: a(from), To: a(to)} }
	public := publicSpace().Ranges() // 1.0.0.0-9.255.255.255, 11.0.0.0-..., gaps at 10/8, 127/8, ...
	free := addrset.OfRanges(addrset.Range{From: a("10.0.2.4"), To: a("10.0.2.15")},
		addrset.Range{From: a("10.0.2.17"), To: a("10.0.2.254")}).Ranges() // 10.0.2.16 held
	tests := []struct {
		name string
		rs   []addrset.Range
		set  []flow.AddrRange
		want []netip.Addr
	}{
		{"ends at a gap", public, []flow.AddrRange{r("0.0.0.0", "127.255.255.255")}, []netip.Addr{a("128.0.0.0")}},
		{"every address across a gap", public, []flow.AddrRange{r("0.0.0.0", "9.255.255.255"), r("11.0.0.0", "255.255.255.255")}, nil},
		{"holds none", public, []flow.AddrRange{r("10.0.0.0", "10.255.255.255")}, nil},
		{"placeholder outside", public, []flow.AddrRange{r("240.0.0.1", "240.0.0.1")}, nil},
		{"private ends at a held address", free, []flow.AddrRange{r("10.0.2.0", "10.0.2.15")}, []netip.Addr{a("10.0.2.17")}},
		{"private starts at a held address", free, []flow.AddrRange{r("10.0.2.16", "10.0.2.31")}, []netip.Addr{a("10.0.2.17"), a("10.0.2.32")}},
		{"held address only", free, []flow.AddrRange{r("10.0.2.16", "10.0.2.16")}, nil},
		{"two ranges joined across the held address", free, []flow.AddrRange{r("10.0.2.0", "10.0.2.15"), r("10.0.2.16", "10.0.2.31")}, []netip.Addr{a("10.0.2.32")}},
		{"two ranges apart", free, []flow.AddrRange{r("10.0.2.0", "10.0.2.7"), r("10.0.2.16", "10.0.2.31")}, []netip.Addr{a("10.0.2.8"), a("10.0.2.17"), a("10.0.2.32")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, setCuts(nil, tt.rs, tt.set))
		})
	}
}

package cidrindex_test

import (
	"fmt"
	"net/netip"

	"github.com/reachsim/reachsim/internal/cidrindex"
)

func ExampleIndex() {
	var b cidrindex.Builder[string]
	for _, e := range []struct{ prefix, name string }{
		{"10.1.0.0/16", "lab"},
		{"0.0.0.0/0", "default"},
		{"10.0.0.0/8", "corp"},
		{"10.9.9.9/8", "corp-audit"}, // host bits are ignored: same prefix as 10.0.0.0/8
		{"2001:db8::/32", "v6-doc"},
	} {
		if err := b.Add(netip.MustParsePrefix(e.prefix), e.name); err != nil {
			fmt.Println(err)
		}
	}
	// IPv4-mapped prefixes are rejected; add 10.0.0.0/8 instead.
	fmt.Println(b.Add(netip.MustParsePrefix("::ffff:10.0.0.0/104"), "mapped"))

	ix := b.Build()
	fmt.Println(ix.Len())

	addr := netip.MustParseAddr("10.1.2.3")
	fmt.Println(ix.Lookup(addr)) // insertion order, not shortest prefix first
	fmt.Println(ix.First(addr))

	mapped := netip.MustParseAddr("::ffff:10.1.2.3")
	fmt.Println(ix.Lookup(mapped), ix.Lookup(mapped.Unmap()))

	fmt.Println(ix.Lookup(netip.MustParseAddr("2001:db8::1")))
	// Output:
	// cidrindex: prefix ::ffff:10.0.0.0/104 is an IPv4-mapped IPv6 prefix, which cidranger would treat as IPv4; add the IPv4 prefix instead
	// 5
	// [lab default corp corp-audit]
	// lab true
	// [] [lab default corp corp-audit]
	// [v6-doc]
}

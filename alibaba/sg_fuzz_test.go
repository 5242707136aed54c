package alibaba_test

import (
	"bytes"
	"errors"
	"net/netip"
	"testing"

	"github.com/reachsim/reachsim/alibaba"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/sg"
)

// knowsAllResolver knows every group (with no members) and every prefix
// list (two small blocks), so Compile only checks the rules themselves.
type knowsAllResolver struct{}

func (knowsAllResolver) GroupMembers(string) ([]netip.Addr, error) { return nil, nil }

func (knowsAllResolver) PrefixList(string) ([]netip.Prefix, error) {
	return []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24"), netip.MustParsePrefix("2001:db8::/32")}, nil
}

// checkParseError fails the test unless err is a *flow.InputError wrapping
// one of the package's sentinels (or the JSON one).
func checkParseError(t *testing.T, err error) {
	t.Helper()
	var ie *flow.InputError
	if !errors.As(err, &ie) {
		t.Fatalf("error %v (%T) is not a *flow.InputError", err, err)
	}
	if !errors.Is(err, sg.ErrInvalidRule) && !errors.Is(err, sg.ErrInvalidGroup) && !errors.Is(err, flow.ErrJSON) {
		t.Fatalf("error %v wraps no known sentinel", err)
	}
}

func FuzzParseSecurityGroup(f *testing.F) {
	// The fuzzer takes the data and a kind; seed each input with each kind.
	var seeds [][]byte
	files := []string{"basic.json", "enterprise.json"}
	edits := [][2]string{
		{`"22/22"`, `"200/1"`},
		{`"-1/-1"`, `"8/0"`},
		{`"Priority": 1`, `"Priority": 0`},
		{`"Priority": "100"`, `"Priority": "abc"`},
		{`"Policy": "Drop"`, `"Policy": "maybe"`},
		{`"SourceCidrIp": "203.0.113.0/24"`, `"SourceCidrIp": ""`},
		{`"SourceCidrIp": "172.16.0.0/12"`, `"SourceGroupId": "sg-x"`},
		{`"Ipv6SourceCidrIp": ""`, `"Ipv6SourceCidrIp": "::/0"`},
		{`"DestCidrIp": ""`, `"DestCidrIp": "10.0.0.1"`},
		{`"SourcePortRange": "1024/65535"`, `"SourcePortRange": "65535/1024"`},
		{`"InnerAccessPolicy": "Drop"`, `"InnerAccessPolicy": "Accept"`},
		{`"enterprise"`, `"normal"`},
		{`"PortRangeListId": ""`, `"PortRangeListId": "prl-1"`},
	}
	for _, name := range files {
		data := readTestdata(f, name)
		seeds = append(seeds, data, data[:len(data)/3])
		for _, e := range edits {
			seeds = append(seeds, bytes.Replace(data, []byte(e[0]), []byte(e[1]), 1))
		}
	}
	for _, s := range []string{
		`{"SecurityGroupId":"sg-a","Permissions":{"Permission":[{"Direction":"egress","Policy":"Drop","Priority":"7","IpProtocol":"6","PortRange":"1/65535","SourcePortRange":"-1/5","DestGroupId":"sg-b"}]}}`,
		`{"SecurityGroupId":"sg-a","Permissions":{"Permission":[{"Direction":"ingress","IpProtocol":"255","Priority":null,"SourcePrefixListId":"pl-1"}]}}`,
		`{"SecurityGroupId":"sg-a","Permissions":null}`,
		`{"SecurityGroupId":"sg-a","NextToken":"AAAAAdDWBF2","Permissions":{"Permission":[]}}`,
		`{"SecurityGroupId":"sg-a","Permissions":{"Permission":[{"Priority":1e2}]}}`,
		`null`,
	} {
		seeds = append(seeds, []byte(s))
	}
	for _, s := range seeds {
		for kind := range uint8(4) {
			f.Add(s, kind)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, kind uint8) {
		g, err := alibaba.ParseSecurityGroup(data, sg.Flavour(kind))
		if err != nil {
			checkParseError(t, err)
			return
		}
		if !g.Flavour.IsAlibaba() {
			t.Fatalf("parsed group has flavour %s", g.Flavour)
		}
		if sg.Flavour(kind).IsAlibaba() && g.Flavour != sg.Flavour(kind) {
			t.Fatalf("asked for %s, got %s", sg.Flavour(kind), g.Flavour)
		}
		if _, err := sg.Compile([]sg.Group{g}, knowsAllResolver{}); err != nil {
			t.Fatalf("parsed group does not compile: %v", err)
		}
	})
}

package jsonloc_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/jsonloc"
)

func TestUnmarshalErrorsCarryPath(t *testing.T) {
	var v struct {
		Entries []struct {
			RuleNumber int
		}
	}
	tests := []struct {
		name, in, path, text string
	}{
		{"wrong type names the field", `{"Entries":[{"RuleNumber":"100"}]}`, "NetworkAcls[0].Entries[0].RuleNumber", `"100"`},
		{"syntax error quotes the input", `{"Entries":[{"RuleNumber":1,}]}`, "NetworkAcls[0].Entries[0]", `{"Entries":[{"RuleNumber":1,}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := jsonloc.Unmarshal("NetworkAcls[0]", []byte(tt.in), &v)
			var ie *flow.InputError
			require.True(t, errors.As(err, &ie))
			require.ErrorIs(t, err, flow.ErrJSON)
			assert.Equal(t, tt.path, ie.Path)
			assert.Contains(t, ie.Text, tt.text)
		})
	}
}

func TestInt(t *testing.T) {
	var v struct{ A, B, C, D jsonloc.Int }
	require.NoError(t, jsonloc.Unmarshal("", []byte(`{"A":1,"B":"2","C":null}`), &v))
	assert.Equal(t, jsonloc.Int{Value: 1, Set: true}, v.A)
	assert.Equal(t, jsonloc.Int{Value: 2, Set: true}, v.B)
	assert.False(t, v.C.Set)
	assert.False(t, v.D.Set)
	assert.Error(t, jsonloc.Unmarshal("", []byte(`{"A":"x"}`), &v))
}

func TestInputErrorMessage(t *testing.T) {
	e := &flow.InputError{File: "g.json", Path: "SecurityGroups[0].IpPermissions[1].FromPort", Resource: "sg-1", Rule: "sgr-2", Text: "abc", Err: errors.New("not a port")}
	assert.Equal(t, `g.json: SecurityGroups[0].IpPermissions[1].FromPort (sg-1 rule sgr-2): "abc": not a port`, e.Error())
	assert.Equal(t, `(rule 7): bad`, (&flow.InputError{Rule: "7", Err: errors.New("bad")}).Error())
	assert.Equal(t, `invalid input`, (&flow.InputError{}).Error())
}

func TestInputErrorWithFileOnly(t *testing.T) {
	assert.Equal(t, `g.json: "{x": malformed JSON`, (&flow.InputError{File: "g.json", Text: "{x", Err: errors.New("malformed JSON")}).Error())
	assert.Equal(t, `g.json: Vpcs[0] (vpc-1): bad`, (&flow.InputError{File: "g.json", Path: "Vpcs[0]", Resource: "vpc-1", Err: errors.New("bad")}).Error())
}

func TestLocNamesThePlace(t *testing.T) {
	l := jsonloc.Loc{File: "dump/sg.json"}.Field("SecurityGroups").Index(2)
	assert.Equal(t, "dump/sg.json: SecurityGroups[2]", l.String())
	assert.Equal(t, "dump/sg.json", jsonloc.Loc{File: "dump/sg.json"}.String())
	assert.Equal(t, "Rules[0] (sg-1 rule sgr-1)", jsonloc.Loc{Path: "Rules[0]", Resource: "sg-1", Rule: "sgr-1"}.String())
	assert.Equal(t, "", jsonloc.Loc{}.String())

	err := l.Field("GroupId").Fail("x", flow.ErrJSON, "bad %s", "id")
	assert.Equal(t, `dump/sg.json: SecurityGroups[2].GroupId: "x": malformed JSON: bad id`, err.Error())

	err = l.Decode([]byte(`{"A":"x"}`), &struct{ A int }{})
	var ie *flow.InputError
	require.ErrorAs(t, err, &ie)
	assert.Equal(t, "dump/sg.json", ie.File)
	assert.Equal(t, "SecurityGroups[2].A", ie.Path)
}

func TestLocReadInt(t *testing.T) {
	l := jsonloc.Loc{Path: "Entries[0].RuleNumber", Resource: "acl-1"}
	tests := []struct {
		name string
		raw  string // "" is an absent key
		want jsonloc.Int
		err  bool
	}{
		{"an absent key is unset", "", jsonloc.Int{}, false},
		{"null is unset", "null", jsonloc.Int{}, false},
		{"a number is read", "100", jsonloc.Int{Value: 100, Set: true}, false},
		{"a string holding a number is read", `"-1"`, jsonloc.Int{Value: -1, Set: true}, false},
		{"a string holding no number is an error", `"x"`, jsonloc.Int{}, true},
		{"a fraction is an error", "1.5", jsonloc.Int{}, true},
		{"true is an error", "true", jsonloc.Int{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var raw []byte
			if tt.raw != "" {
				raw = []byte(tt.raw)
			}
			n, err := l.ReadInt(raw)
			if !tt.err {
				require.NoError(t, err)
				assert.Equal(t, tt.want, n)
				return
			}
			require.ErrorIs(t, err, flow.ErrJSON)
			var ie *flow.InputError
			require.ErrorAs(t, err, &ie)
			assert.Equal(t, l.Path, ie.Path)
			assert.Equal(t, "acl-1", ie.Resource)
			assert.Equal(t, tt.raw, ie.Text)
		})
	}
}

func TestWithFile(t *testing.T) {
	joined := errors.Join(&flow.InputError{Path: "A"}, &flow.InputError{File: "other.json", Path: "B"}, errors.New("plain"))
	got := jsonloc.WithFile(joined, "f.json")
	errs := got.(interface{ Unwrap() []error }).Unwrap()
	require.Len(t, errs, 3)
	for i, want := range []string{"f.json", "other.json", "f.json"} {
		var ie *flow.InputError
		require.ErrorAs(t, errs[i], &ie)
		assert.Equal(t, want, ie.File)
	}
	assert.NoError(t, jsonloc.WithFile(nil, "f.json"))
}

func TestLocReadCIDR(t *testing.T) {
	sentinel := errors.New("bad rule")
	l := jsonloc.Loc{Path: "Rules[0].Cidr", Resource: "sg-1"}
	tests := []struct {
		name          string
		in            string
		want6, bareOK bool
		want          string // "" for an error
		msg           string
	}{
		{"an IPv4 block", "10.0.0.0/8", false, false, "10.0.0.0/8", ""},
		{"host bits are masked", "10.1.2.3/8", false, false, "10.0.0.0/8", ""},
		{"an IPv6 block", "2001:db8::/32", true, false, "2001:db8::/32", ""},
		{"a bare address where none is allowed", "10.0.0.5", false, false, "", "not a CIDR block"},
		{"a bare address where one is allowed", "10.0.0.5", false, true, "10.0.0.5/32", ""},
		{"an IPv6 block in an IPv4 field", "2001:db8::/32", false, false, "", "an IPv6 block where an IPv4 block belongs"},
		{"an IPv4 block in an IPv6 field", "10.0.0.0/8", true, true, "", "an IPv4 block where an IPv6 block belongs"},
		{"a missing block", "", false, false, "", "missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := l.ReadCIDR(tt.in, tt.want6, tt.bareOK, sentinel)
			if tt.want != "" {
				require.NoError(t, err)
				assert.Equal(t, tt.want, p.String())
				return
			}
			require.ErrorIs(t, err, sentinel)
			var ie *flow.InputError
			require.ErrorAs(t, err, &ie)
			assert.Equal(t, "Rules[0].Cidr", ie.Path)
			assert.Equal(t, tt.in, ie.Text)
			assert.Contains(t, err.Error(), tt.msg)
		})
	}
}

func TestLocReadAddrOrCIDR(t *testing.T) {
	sentinel := errors.New("bad group")
	l := jsonloc.Loc{Path: "IPSets.A.Definition[0]", Resource: "g"}
	tests := []struct {
		name string
		in   string
		want string // "" for an error
		msg  string
	}{
		{"an IPv4 block", "10.1.2.3/8", "10.0.0.0/8", ""},
		{"an IPv6 block", "2001:db8::1/32", "2001:db8::/32", ""},
		{"a bare IPv4 address", "10.0.0.5", "10.0.0.5/32", ""},
		{"a bare IPv6 address", "2001:db8::5", "2001:db8::5/128", ""},
		{"a prefix too long", "10.0.0.0/33", "", "not a CIDR block"},
		{"an address with a zone", "fe80::1%eth0", "", "zone"},
		{"an IPv4-mapped block", "::ffff:10.0.0.0/104", "", "IPv4-mapped"},
		{"nothing", "", "", "not an address or a CIDR block"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := l.ReadAddrOrCIDR(tt.in, sentinel)
			if tt.want != "" {
				require.NoError(t, err)
				assert.Equal(t, tt.want, p.String())
				return
			}
			require.ErrorIs(t, err, sentinel)
			var ie *flow.InputError
			require.ErrorAs(t, err, &ie)
			assert.Equal(t, l.Path, ie.Path)
			assert.Equal(t, "g", ie.Resource)
			assert.Equal(t, tt.in, ie.Text)
			assert.Contains(t, err.Error(), tt.msg)
		})
	}
}

func TestLocWrap(t *testing.T) {
	sentinel := errors.New("invalid policy")
	l := jsonloc.Loc{File: "p.json", Path: "FirewallPolicy.X", Resource: "p", Rule: "7"}
	err := l.Wrap("aws:allow", fmt.Errorf("%w: %w", sentinel, flow.ErrJSON))
	require.ErrorIs(t, err, sentinel)
	require.ErrorIs(t, err, flow.ErrJSON, "every error err wraps stays reachable")
	var ie *flow.InputError
	require.ErrorAs(t, err, &ie)
	assert.Equal(t, flow.InputError{File: "p.json", Path: "FirewallPolicy.X", Resource: "p", Rule: "7", Text: "aws:allow", Err: ie.Err}, *ie)
	assert.Equal(t, `p.json: FirewallPolicy.X (p rule 7): "aws:allow": invalid policy: malformed JSON`, err.Error())
	assert.NoError(t, l.Wrap("x", nil))
}

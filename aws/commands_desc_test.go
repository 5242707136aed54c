package aws_test

import (
	"encoding/json"
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// lastShellWord is the last word of a command line as the shell reads
// it, for lines of plain words, single-quoted parts and backslashes.
func lastShellWord(t *testing.T, line string) string {
	t.Helper()
	var words []string
	var b strings.Builder
	inWord, quoted := false, false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quoted && c == '\'':
			quoted = false
		case quoted:
			b.WriteByte(c)
		case c == '\'':
			quoted, inWord = true, true
		case c == '\\' && i+1 < len(line):
			i++
			b.WriteByte(line[i])
			inWord = true
		case c == ' ':
			if inWord {
				words, inWord = append(words, b.String()), false
				b.Reset()
			}
		default:
			b.WriteByte(c)
			inWord = true
		}
	}
	require.False(t, quoted, "unbalanced quotes: %s", line)
	if inWord {
		words = append(words, b.String())
	}
	require.NotEmpty(t, words, line)
	return words[len(words)-1]
}

// TestCommandsRuleDescription: a rule's description reaches
// --ip-permissions as it is, and only as its description: in the
// shorthand when every character is one EC2 takes in a description,
// else as JSON, so that a quote or a backslash (a hand-edited or hostile
// dump, a plan not yet applied) cannot end the value and add keys — an
// IpRanges=[{CidrIp=0.0.0.0/0}] of its own (audit fix25, finding 1).
func TestCommandsRuleDescription(t *testing.T) {
	for _, tc := range []struct {
		name, desc string
		v6         bool
		shorthand  bool
	}{
		{"plain", "office SSH", false, true},
		{"every character EC2 takes", "a-Z 0.9_:/()#,@[]+=&;{}!$*", false, true},
		{"quote that opens another range", `x"}],IpRanges=[{CidrIp=0.0.0.0/0,Description="y`, false, false},
		{"trailing backslash", `ends in \`, false, false},
		{"backslash quote", `a\"b`, false, false},
		{"single quote", `it's`, false, false},
		{"newline", "two\nlines", false, false},
		{"IPv6 with a quote", `v6 "x"`, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			peer := sg.CIDR("10.0.2.20/32")
			if tc.v6 {
				peer = sg.CIDR("2001:db8::5/128")
			}
			rule := sg.Rule{ID: "sgr-1", Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Range[uint16]{Lo: 22, Hi: 23},
				Peer: peer, Description: tc.desc}
			cmds := aws.Commands([]reach.Change{{Action: reach.ChangeAdd, Kind: reach.ResourceSecurityGroup, Resource: "sg-web", Rule: &rule}})
			require.Len(t, cmds, 1)
			perm := lastShellWord(t, cmds[0])
			if tc.shorthand {
				assert.True(t, strings.HasPrefix(perm, "IpProtocol=tcp,FromPort=22,ToPort=23,"), perm)
				assert.Contains(t, perm, `Description="`+tc.desc+`"}]`)
				assert.Equal(t, 1, strings.Count(perm, "Cidr"), perm)
				return
			}
			var got []struct {
				IPProtocol       string
				FromPort, ToPort int
				IPRanges         []struct{ CidrIP, Description string }   `json:"IpRanges"`
				IPv6Ranges       []struct{ CidrIPv6, Description string } `json:"Ipv6Ranges"`
			}
			require.NoError(t, json.Unmarshal([]byte(perm), &got), perm)
			require.Len(t, got, 1)
			p := got[0]
			assert.Equal(t, "tcp", p.IPProtocol)
			assert.Equal(t, [2]int{22, 23}, [2]int{p.FromPort, p.ToPort})
			if tc.v6 {
				require.Len(t, p.IPv6Ranges, 1)
				assert.Empty(t, p.IPRanges)
				assert.Equal(t, "2001:db8::5/128", p.IPv6Ranges[0].CidrIPv6)
				assert.Equal(t, tc.desc, p.IPv6Ranges[0].Description)
				return
			}
			require.Len(t, p.IPRanges, 1, "one block, the rule's")
			assert.Empty(t, p.IPv6Ranges)
			assert.Equal(t, netip.MustParsePrefix("10.0.2.20/32").String(), p.IPRanges[0].CidrIP)
			assert.Equal(t, tc.desc, p.IPRanges[0].Description)
		})
	}
}

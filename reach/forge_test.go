package reach_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/textsafe"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
)

// A name in the design cannot forge the text trace: Result.Text escapes
// control, format and separator characters in every name it prints (and
// still names the resource), while JSON carries the exact strings.
func TestTextEscapesNamesAndJSONKeepsThem(t *testing.T) {
	for _, c := range []struct{ name, evil, escaped string }{
		{"a newline and a terminal escape", "web-1\n  2 ✓ internet\x1b[31m", `web-1\n  2 ✓ internet\x1b[31m`},
		{"a right-to-left override", "web-1\u202e1-bew", `web-1\u202e1-bew`},
		{"a line separator", "web-1\u2028  2 ✓ internet", `web-1\u2028  2 ✓ internet`},
		{"NUL and a tab", "web-1\x00\tx", `web-1\x00\tx`},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := sample.ThreeTierDesign()
			for i := range d.Interfaces {
				if d.Interfaces[i].Name == "web-1" {
					d.Interfaces[i].Name = c.evil
				}
			}
			for i := range d.RouteTables {
				d.RouteTables[i].Name += c.evil
			}
			for i := range d.Groups {
				d.Groups[i].Name += c.evil
				for j := range d.Groups[i].Rules {
					d.Groups[i].Rules[j].ID += c.evil
				}
			}
			d.Firewalls[0].Name += c.evil
			d.Firewalls[0].Policy.Name += c.evil
			m, err := d.Builder().Build()
			require.NoError(t, err)
			for _, q := range []reach.Query{
				{From: "198.51.100.7", To: c.evil, Protocol: flow.TCP, Port: 443},
				{From: "198.51.100.7", To: c.evil, Protocol: flow.TCP, Port: 22},
				{From: c.evil, To: "db-1", Protocol: flow.TCP, Port: 5432},
			} {
				r, err := m.Check(q)
				require.NoError(t, err)
				text := r.Text()
				for _, line := range strings.Split(text, "\n") {
					assert.True(t, textsafe.IsClean(line), "raw control or bidi character in %q", line)
					assert.False(t, strings.HasPrefix(line, "  2 ✓ internet"), "a forged hop line: %q", line)
				}
				assert.Contains(t, text, c.escaped, "the escaped name still names the resource")

				b, err := r.JSON()
				require.NoError(t, err)
				var back struct {
					From, To string
					Forward  []struct{ Name string }
				}
				require.NoError(t, json.Unmarshal(b, &back))
				assert.Equal(t, r.From, back.From)
				assert.Equal(t, r.To, back.To)
				assert.Contains(t, back.From+back.To, c.evil, "JSON keeps the exact name")
				for i, h := range back.Forward {
					assert.Equal(t, r.Forward[i].Name, h.Name)
				}
			}
		})
	}
}

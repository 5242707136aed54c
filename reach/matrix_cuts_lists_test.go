package reach_test

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// TestMatrixClassCutsAddAListOnce: Matrix's classes are cut at the blocks
// of the design's rules, a prefix list's entries once however many rules
// reference it (they were added once per referencing rule: 12 million
// prefixes for 12,000 references to lists of 1,000 entries).
func TestMatrixClassCutsAddAListOnce(t *testing.T) {
	for _, tt := range []struct {
		name              string
		lists, entries    int
		groups, refsEach  int
		wantAtMostEntries int
	}{
		{"one list, one reference", 1, 50, 1, 1, 50},
		{"one list, 40 references", 1, 50, 4, 10, 50},
		{"four lists, 300 references", 4, 100, 10, 30, 400},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := reach.NewBuilder().AddVPC(reach.VPC{ID: "vpc-1", CIDRs: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/16")}})
			for l := range tt.lists {
				pl := reach.PrefixList{ID: fmt.Sprintf("pl-%d", l), Name: fmt.Sprintf("l%d", l), MaxEntries: tt.entries}
				for k := range tt.entries {
					pl.Entries = append(pl.Entries, netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(20 + l), byte(k), 0, 0}), 16))
				}
				b.AddPrefixList(pl)
			}
			for g := range tt.groups {
				grp := sg.Group{ID: fmt.Sprintf("sg-%d", g), VPCID: "vpc-1"}
				for i := range tt.refsEach {
					grp.Rules = append(grp.Rules, sg.Rule{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single(uint16(1000 + i)),
						Peer: sg.PrefixList(fmt.Sprintf("pl-%d", (g+i)%tt.lists)), ICMPType: -1, ICMPCode: -1})
				}
				b.AddSecurityGroup(grp)
			}
			m, err := b.Build()
			require.NoError(t, err)
			assert.LessOrEqual(t, reach.RuleBlocks(m), tt.wantAtMostEntries)
		})
	}
}

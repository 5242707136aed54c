package aws

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reachsim/reachsim/internal/inputfile"
	"github.com/reachsim/reachsim/internal/jsonloc"
	"github.com/reachsim/reachsim/sample"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// allQuotaPlaces is where, by the loader's records, every resource a
// reach.QuotaWarning may name is (what the loader computed before it let
// its records go while the model is built): the reference quotaPlace
// must agree with.
func (l *loader) allQuotaPlaces() map[string]jsonloc.Loc {
	at := l.oddQuotaPlaces()
	out := &l.out
	for i, g := range out.groups {
		// the rules counted: describe-security-group-rules' when it lists
		// the group's (the first of them), else the group's element
		o := out.groupAt[i].base
		if gr := l.groups[g.ID]; gr != nil {
			o = gr.at
		}
		if rs := l.ruleSets[g.ID]; rs != nil {
			o = rs.ruleAt[0].loc()
		}
		at["security group "+g.ID] = o
	}
	for _, e := range out.ifaces {
		at["network interface "+e.id] = e.at.Field("Groups")
	}
	for _, r := range out.acls {
		at["network ACL "+r.acl.ID] = r.at.Field("Entries")
	}
	for _, r := range out.rts {
		at["route table "+r.rt.ID] = r.at.Field("Routes")
	}
	for _, r := range out.lists {
		at["prefix list "+r.list.ID] = r.at
	}
	return at
}

// TestQuotaPlaceAgreesWithRecords: a quota warning is placed, from the
// model's origins and the few places the loader keeps, where the
// loader's records say the resource is, for every resource of every
// test dump.
func TestQuotaPlaceAgreesWithRecords(t *testing.T) {
	dirs, err := filepath.Glob("testdata/*")
	require.NoError(t, err)
	type dump struct {
		name string
		src  source
		dir  string
	}
	var dumps []dump
	for _, dir := range dirs {
		if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
			dumps = append(dumps, dump{dir, inputfile.OS{}, dir})
		}
	}
	// the embedded sample: rules from describe-security-group-rules, a firewall
	dumps = append(dumps, dump{"sample", inputfile.FS{FS: sample.AWSDump}, "aws"})
	kinds := []string{"security group", "network interface", "network ACL", "route table", "prefix list", "firewall", "stateful rule group"}
	tested := 0
	oddKinds := map[string]bool{}
	for _, d := range dumps {
		t.Run(d.name, func(t *testing.T) {
			l, err := prepare(d.src, Options{}, []string{d.dir})
			if err != nil {
				t.Skipf("not a loadable dump: %v", err)
			}
			l.release()
			want := l.allQuotaPlaces()
			b := l.builder(nil)
			l.setOrigins(b)
			odd := l.oddQuotaPlaces()
			for k := range odd {
				oddKinds[strings.SplitN(k, " ", 2)[0]] = true
			}
			m, err := b.BuildOnce()
			if err != nil {
				t.Skipf("not a buildable dump: %v", err)
			}
			require.NotEmpty(t, want)
			for key, o := range want {
				var kind, id string
				for _, k := range kinds {
					if rest, ok := strings.CutPrefix(key, k+" "); ok {
						kind, id = k, rest
					}
				}
				require.NotEmpty(t, kind, key)
				got, ok := quotaPlace(m, odd, kind, id)
				require.True(t, ok, key)
				assert.Equal(t, o.String(), got.String(), key)
				tested++
			}
		})
	}
	require.Positive(t, tested)
	assert.True(t, oddKinds["security"] && oddKinds["firewall"] && oddKinds["stateful"], "the dumps exercise every odd place: %v", oddKinds)
}

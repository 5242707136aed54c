package aws

import (
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// No element type both reads a member and lists it among the members it
// does not read: the embedded list's field would be shadowed, and a
// wrong value's error would lose its JSON path (a subnet's
// AvailabilityZoneId, read since the zones are matched by ID, was listed
// unread too).
func TestUnreadMembersAreNotRead(t *testing.T) {
	for _, v := range []any{igwJSON{}, natJSON{}, metadataJSON{}, eniJSON{}, assocJSON{}, routeTableJSON{},
		awsGroupJSON{}, groupPairJSON{}, awsRuleJSON{}, cidrAssocJSON{}, vpcJSON{}, subnetJSON{},
		vpceJSON{}, peeringJSON{}, peerVPCJSON{}, elasticIPJSON{}, listJSON{}, prefixEntryJSON{}, bpaOptionsJSON{},
		bpaExclusionJSON{}, gwJSON{}, attJSON{}, vpcAttJSON{}, rtJSON{}, tgwRouteJSON{}, tgwMemberJSON{}} {
		typ := reflect.TypeOf(v)
		read := map[string]bool{}
		var unread []reflect.Type
		for f := range typ.Fields() {
			if f.Anonymous && strings.HasSuffix(f.Type.Name(), "Unread") {
				unread = append(unread, f.Type)
				continue
			}
			read[f.Name] = true
		}
		assert.NotEmpty(t, unread, "%s embeds a list of the members it does not read", typ.Name())
		for _, u := range unread {
			for f := range u.Fields() {
				assert.False(t, read[f.Name], "%s reads %s, which %s lists as unread", typ.Name(), f.Name, u.Name())
			}
		}
	}
}

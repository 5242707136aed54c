package aws

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/reachsim/reachsim/internal/jsonloc"
)

// Alibaba Cloud JSON among AWS CLI output. Load reads the AWS CLI's
// output only; package alibaba reads Alibaba Cloud's API responses
// (alibaba.ParseSecurityGroup, alibaba.ParsePrefixList). A file of one
// of those shapes is named for what it is, rather than asked whether it
// is the output of an aws describe command: a security group
// (DescribeSecurityGroupAttribute) is ignored with a warning, as any file
// with no key Load reads is; a prefix list (DescribePrefixListAttributes)
// stays an error, as it was (its Entries key is an AWS key too, of
// another shape), in words that say what it is.

// alibabaShapes are the Alibaba Cloud responses recognised: the key that
// names the resource, the key of its body and the list inside that body,
// the API call and the function of package alibaba that reads it.
var alibabaShapes = []struct {
	id, body, list, call, reader string
}{
	{"SecurityGroupId", "Permissions", "Permission", "DescribeSecurityGroupAttribute", "alibaba.ParseSecurityGroup"},
	{"PrefixListId", "Entries", "Entry", "DescribePrefixListAttributes", "alibaba.ParsePrefixList"},
}

// alibabaFile reports whether top, a file's top-level object, is one of
// Alibaba Cloud's responses (alibabaShapes), and if so warns (a security
// group) or fails (a prefix list) at root, saying so.
func (l *loader) alibabaFile(root jsonloc.Loc, top map[string]json.RawMessage) bool {
	for i, s := range alibabaShapes {
		var id string
		var body map[string]json.RawMessage
		if json.Unmarshal(top[s.id], &id) != nil || id == "" || json.Unmarshal(top[s.body], &body) != nil || body[s.list] == nil {
			continue
		}
		what := fmt.Sprintf("Alibaba Cloud JSON (%s of %s: %s and %s.%s), which the reachsim CLI does not read: it reads the output of AWS CLI describe commands; Alibaba Cloud JSON is read by the Go library, %s",
			s.call, strconv.Quote(id), s.id, s.body, s.list, s.reader)
		if i == 0 {
			l.warn(root, "ignored: %s", what)
		} else {
			l.fail(root, id, s.id, ErrInvalidDump, "%s", what)
		}
		return true
	}
	return false
}

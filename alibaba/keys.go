package alibaba

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/reachsim/reachsim/internal/jsonloc"
	"github.com/reachsim/reachsim/sg"
)

// This file checks the keys of a DescribeSecurityGroupAttribute response
// where a key the reader does not know would change what it reads: a
// Permission (a misspelt Policy or Priority would leave the rule an
// accept rule of priority 1), the Permissions wrapper, and a top-level
// key that looks like a misplaced rule list (its rules would vanish and
// the group read with none).

// permissionKeys are the fields of a Permission in a
// DescribeSecurityGroupAttribute response (the API reference's response
// elements; semantics.md E.5), lower-cased: the ones read and the ones
// ignored (names, owner accounts, CreateTime, PortRangeListName).
var permissionKeys = func() map[string]string {
	m := map[string]string{}
	for _, k := range []string{
		"SecurityGroupRuleId", "Direction", "Policy", "Priority", "IpProtocol",
		"PortRange", "PortRangeListId", "PortRangeListName", "SourcePortRange",
		"SourceCidrIp", "Ipv6SourceCidrIp", "SourceGroupId", "SourceGroupName", "SourceGroupOwnerAccount",
		"SourcePrefixListId", "SourcePrefixListName",
		"DestCidrIp", "Ipv6DestCidrIp", "DestGroupId", "DestGroupName", "DestGroupOwnerAccount",
		"DestPrefixListId", "DestPrefixListName",
		"NicType", "Description", "CreateTime",
	} {
		m[strings.ToLower(k)] = k
	}
	return m
}()

// knownKey returns the name in known that key stands for, matched as
// encoding/json matches a struct field (ignoring case, with Unicode case
// folding).
func knownKey(known map[string]string, key string) (string, bool) {
	if k, ok := known[strings.ToLower(key)]; ok {
		return k, true
	}
	for _, k := range known {
		if strings.EqualFold(k, key) {
			return k, true
		}
	}
	return "", false
}

// scanOptions read keys as encoding/json decoded them: invalid UTF-8 is
// passed (encoding/json replaces it), and duplicate keys were refused
// before.
var scanOptions = []jsontext.Options{jsontext.AllowInvalidUTF8(true), jsontext.AllowDuplicateNames(true)}

// objectKeys returns the keys of raw, a JSON object that decodes, in the
// order written; for the key wrapper (when not ""), the keys of its value
// too, when that is an object. Anything else (null) has no keys. One
// streaming pass, the values skipped.
func objectKeys(raw []byte, wrapper string) (keys, inner []string) {
	dec := jsontext.NewDecoder(bytes.NewReader(jsonloc.StripBOM(raw)), scanOptions...)
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return nil, nil
	}
	for dec.PeekKind() == '"' {
		tok, err := dec.ReadToken()
		if err != nil {
			return keys, inner
		}
		key := tok.String()
		keys = append(keys, key)
		if wrapper != "" && strings.EqualFold(key, wrapper) && dec.PeekKind() == '{' {
			if _, err := dec.ReadToken(); err != nil {
				return keys, inner
			}
			for dec.PeekKind() == '"' {
				tok, err := dec.ReadToken()
				if err != nil {
					return keys, inner
				}
				inner = append(inner, tok.String()) // before the token is voided
				if dec.SkipValue() != nil {
					return keys, inner
				}
			}
			if _, err := dec.ReadToken(); err != nil { // the closing brace
				return keys, inner
			}
			continue
		}
		if dec.SkipValue() != nil {
			return keys, inner
		}
	}
	return keys, inner
}

// checkPermissionKeys refuses a key that is no field of a Permission,
// naming it and, where one is near, the field it may be a misspelling
// of: read without it, the rule may mean another thing (a misspelt
// Policy or Priority, or AWS's Action, would leave a drop rule an accept
// rule at priority 1).
func checkPermissionKeys(l jsonloc.Loc, raw json.RawMessage) error {
	keys, _ := objectKeys(raw, "")
	for _, key := range keys {
		if _, ok := knownKey(permissionKeys, key); ok {
			continue
		}
		hint := ""
		switch near := nearestKey(permissionKeys, key); {
		case strings.EqualFold(key, "Action"):
			hint = ": Alibaba Cloud's rule gives its verdict as Policy (Accept or Drop), not AWS's Action"
		case near != "":
			hint = ": did you mean " + near + "?"
		}
		return l.Key(key).Fail(key, sg.ErrInvalidRule,
			"unknown key in a Permission%s (a DescribeSecurityGroupAttribute rule has no such field, and read without it the rule may mean another thing)", hint)
	}
	return nil
}

// checkGroupKeys refuses a top-level key other than Permissions that
// looks like a rule list (its name holds "perm" in any case:
// "Permisions", "Permission", "IpPermissions"), and any key inside
// Permissions but Permission: the rules under it would be passed over,
// and the group read with none of them, which for a basic group lets
// out what its drop rules drop.
func checkGroupKeys(data []byte) error {
	keys, inner := objectKeys(data, "Permissions")
	for _, k := range inner {
		if !strings.EqualFold(k, "Permission") {
			return jsonloc.Loc{Path: "Permissions"}.Key(k).Fail(k, sg.ErrInvalidGroup,
				"unknown key in Permissions: the rules are listed as Permissions.Permission[], and rules elsewhere would be passed over")
		}
	}
	for _, key := range keys {
		if !strings.EqualFold(key, "Permissions") && strings.Contains(strings.ToLower(key), "perm") {
			return jsonloc.Loc{}.Key(key).Fail(key, sg.ErrInvalidGroup,
				"unknown key: the rules are listed as Permissions.Permission[], and rules under %s would be passed over, the group read without them", key)
		}
	}
	return nil
}

// nearestKey returns the field of known within two edits of key
// (ignoring case), the nearest first; "" when none is.
func nearestKey(known map[string]string, key string) string {
	best, bestD := "", 3
	lk := strings.ToLower(key)
	for low, k := range known {
		if d := editDistance(lk, low, 3); d < bestD || d == bestD && k < best {
			best, bestD = k, d
		}
	}
	return best
}

// editDistance returns the Levenshtein distance between a and b, or
// limit when it is at least limit.
func editDistance(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d >= limit || -d >= limit {
		return limit
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		low := cur[0]
		for j := 1; j <= len(rb); j++ {
			c := prev[j-1]
			if ra[i-1] != rb[j-1] {
				c++
			}
			c = min(c, prev[j]+1, cur[j-1]+1)
			cur[j] = c
			low = min(low, c)
		}
		if low >= limit {
			return limit
		}
		prev, cur = cur, prev
	}
	return min(prev[len(rb)], limit)
}

package jsonloc_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/jsonloc"
)

func TestKey(t *testing.T) {
	assert.Equal(t, "Tags.Name", jsonloc.Key("Tags", "Name"))
	assert.Equal(t, "Name", jsonloc.Key("", "Name"))
	assert.Equal(t, `SyncStates["us-east-1a"]`, jsonloc.Key("SyncStates", "us-east-1a"))
	assert.Equal(t, `IPSets["1st"]`, jsonloc.Key("IPSets", "1st"))
	assert.Equal(t, `m[""]`, jsonloc.Key("m", ""))
	assert.Equal(t, `m["a\"b"]`, jsonloc.Key("m", `a"b`))
	assert.Equal(t, `x["us-east-1a"].Attachment`, jsonloc.Loc{Path: "x"}.Key("us-east-1a").Field("Attachment").Path)
}

func TestCheckKeys(t *testing.T) {
	many := make([]string, 40)
	for i := range many {
		many[i] = strconv.Quote(fmt.Sprintf("k%d", i)) + ":1"
	}
	tests := []struct {
		name, in, path, key string // path "" and key "": no error
	}{
		{"distinct keys pass", `{"a":1,"b":{"a":2},"c":[{"a":1},{"a":1}]}`, "", ""},
		{"the same key in sibling objects passes", `[{"a":1},{"a":2}]`, "", ""},
		{"a top-level key twice", `{"Vpcs":[],"Vpcs":[]}`, "Vpcs", "Vpcs"},
		{"a key twice deep in lists", `{"A":[{},{"B":[1,{"C":1,"C":2}]}]}`, "A[1].B[1].C", "C"},
		{"a key written with an escape is the same key", `{"a":1,"\u0061":2}`, "a", "a"},
		{"a map key that is no identifier", `{"S":{"us-east-1a":{"x":1,"x":2}}}`, `S["us-east-1a"].x`, "x"},
		{"past 16 keys the map finds it", `{` + strings.Join(many, ",") + `,"k7":2}`, "k7", "k7"},
		{"within 16 keys the slice finds it", `{"k1":1,"k2":2,"k1":3}`, "k1", "k1"},
		{"strings holding quotes and braces", `{"a":"}\"{","b":"\\","a":0}`, "a", "a"},
		{"an object after a closed one reuses nothing", `{"x":{"a":1},"y":{"a":1}}`, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.True(t, json.Valid([]byte(tt.in)))
			err := jsonloc.CheckKeys([]byte(tt.in))
			if tt.path == "" {
				require.NoError(t, err)
				return
			}
			var ie *flow.InputError
			require.ErrorAs(t, err, &ie)
			require.ErrorIs(t, err, flow.ErrJSON)
			assert.Equal(t, tt.path, ie.Path)
			assert.Contains(t, err.Error(), strconv.Quote(tt.key)+" appears twice")
		})
	}
}

// dupKeysSlow is the reference for CheckKeys: the token stream of
// encoding/json, a set of keys per open object.
func dupKeysSlow(data []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(data))
	type frame struct {
		obj    bool
		keys   map[string]bool
		expect bool // in an object: the next string is a key
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return false
		}
		if err != nil {
			panic(err)
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{', '[':
				if top != nil && top.obj {
					top.expect = true
				}
				stack = append(stack, &frame{obj: d == '{', keys: map[string]bool{}, expect: true})
			default:
				stack = stack[:len(stack)-1]
			}
			continue
		}
		if top != nil && top.obj {
			if top.expect {
				k := tok.(string)
				if top.keys[k] {
					return true
				}
				top.keys[k] = true
				top.expect = false
			} else {
				top.expect = true
			}
		}
	}
}

// randomJSON writes a random document whose objects draw keys from a
// small alphabet, so that duplicates happen now and then.
func randomJSON(r *rand.Rand, b *strings.Builder, depth int) {
	switch k := r.IntN(6); {
	case depth > 3 || k < 2:
		b.WriteString([]string{`1`, `"s"`, `true`, `null`, `"a\"b"`, `-2.5e3`}[r.IntN(6)])
	case k < 4:
		b.WriteString("{")
		for i := range r.IntN(20) {
			if i > 0 {
				b.WriteString(",")
			}
			key := string(rune('a' + r.IntN(24)))
			if r.IntN(10) == 0 {
				key = `\u00` + strconv.FormatInt(int64('a'+r.IntN(24)), 16)
			}
			b.WriteString(`"` + key + `" : `)
			randomJSON(r, b, depth+1)
		}
		b.WriteString("}")
	default:
		b.WriteString("[ ")
		for i := range r.IntN(4) {
			if i > 0 {
				b.WriteString(", ")
			}
			randomJSON(r, b, depth+1)
		}
		b.WriteString("]")
	}
}

func TestCheckKeysAgreesWithTheTokenStream(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	dups := 0
	for range 3000 {
		var b strings.Builder
		randomJSON(r, &b, 0)
		doc := []byte(b.String())
		require.True(t, json.Valid(doc), "%s", doc)
		want := dupKeysSlow(doc)
		err := jsonloc.CheckKeys(doc)
		require.Equal(t, want, err != nil, "%s: %v", doc, err)
		if want {
			dups++
		}
	}
	assert.Greater(t, dups, 100, "the generator makes duplicates")
}

func TestCheckKeysNeverPanicsOnBrokenInput(t *testing.T) {
	for _, in := range []string{``, `{`, `{"a"`, `{"a":`, `{"a":1,`, `[`, `[1,`, `"`, `"\`, `{1:2}`, `{"a" 1}`, `[1 2]`, `}`} {
		assert.NotPanics(t, func() { _ = jsonloc.CheckKeys([]byte(in)) }, in)
	}
}

func TestDocument(t *testing.T) {
	var v struct{ A int }
	require.NoError(t, jsonloc.Document([]byte("\xEF\xBB\xBF{\"A\":1}"), &v))
	assert.Equal(t, 1, v.A)
	err := jsonloc.Document([]byte(`{"A":1,"A":2}`), &v)
	require.ErrorIs(t, err, flow.ErrJSON)
	assert.EqualError(t, err, `A: malformed JSON: the key "A" appears twice in one object, and only one of its values would count`)
}

func TestUnmarshalNamesTheFullPath(t *testing.T) {
	type tag struct{ Key, Value string }
	type inner struct {
		Tags   []tag
		Status string `json:"status"`
		N      jsonloc.Int
		P      *struct{ Port uint16 }
		Small  int8
		Ratio  float64
		Any    any
		Raw    json.RawMessage
	}
	type embedded struct{ Deep []inner }
	var v struct {
		Items []inner
		Zones map[string]inner
		embedded
	}
	tests := []struct {
		name, in, path, msg string
	}{
		{"a list index inside a list", `{"Items":[{},{"Tags":[{"Key":"a"},{"Key":"b"},{"Key":3}]}]}`,
			"Doc.Items[1].Tags[2].Key", "a JSON number where a string was expected"},
		{"a map key", `{"Zones":{"us-east-1a":{"status":5}}}`,
			`Doc.Zones["us-east-1a"].status`, "a JSON number where a string was expected"},
		{"a map key that is an identifier", `{"Zones":{"a":{},"b":{"Tags":{}}}}`,
			`Doc.Zones.b.Tags`, "a JSON object where a list was expected"},
		{"a key spelled in another case, as written", `{"items":[{"TAGS":[{"key":1}]}]}`,
			"Doc.items[0].TAGS[0].key", "a JSON number where a string was expected"},
		{"an embedded struct's field", `{"Deep":[{},{},{"Small":300}]}`,
			"Doc.Deep[2].Small", "a JSON number 300 where an integer from -128 to 127 was expected"},
		{"a pointer's field and an unsigned range", `{"Items":[{"P":{"Port":1e+20}}]}`,
			"Doc.Items[0].P.Port", "a JSON number 1e+20 where an integer from 0 to 65535 was expected"},
		{"an UnmarshalJSON method's error", `{"Items":[{},{"N":"x"}]}`,
			"Doc.Items[1].N", `"x" is not an integer`},
		{"an UnmarshalJSON method's error for a huge number", `{"Items":[{"N":1e+20}]}`,
			"Doc.Items[0].N", "1e+20 is not an integer from -9223372036854775808 to 9223372036854775807"},
		{"the top value", `[]`, "Doc", "a JSON array where an object was expected"},
		{"an object where a list belongs is at fault itself", `{"Items":[{"Tags":{"Key":1}}]}`,
			"Doc.Items[0].Tags", "a JSON object where a list was expected"},
		{"a list where an object belongs is at fault itself", `{"Items":[{"P":[{"Port":"x"}]}]}`,
			"Doc.Items[0].P", "a JSON array where an object was expected"},
		{"a float field", `{"Items":[{"Ratio":"x"}]}`, "Doc.Items[0].Ratio", "a JSON string where a number was expected"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := jsonloc.Unmarshal("Doc", []byte(tt.in), &v)
			var ie *flow.InputError
			require.True(t, errors.As(err, &ie), "%v", err)
			require.ErrorIs(t, err, flow.ErrJSON)
			assert.Equal(t, tt.path, ie.Path)
			assert.Contains(t, err.Error(), tt.msg)
		})
	}
}

// benchDoc is a describe-network-interfaces-like document of about 5 MB.
func benchDoc() []byte {
	var b strings.Builder
	b.WriteString(`{"NetworkInterfaces": [`)
	for i := range 10000 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"NetworkInterfaceId": "eni-%08d", "SubnetId": "subnet-1", "Status": "in-use", "InterfaceType": "interface",
			"PrivateIpAddresses": [{"PrivateIpAddress": "10.0.%d.%d", "Primary": true, "Association": {"PublicIp": "203.0.113.1"}}],
			"Groups": [{"GroupId": "sg-1", "GroupName": "web"}, {"GroupId": "sg-2", "GroupName": "ssh"}],
			"Attachment": {"InstanceId": "i-%08d", "DeviceIndex": 0, "Status": "attached"},
			"TagSet": [{"Key": "Name", "Value": "host-%d"}, {"Key": "team", "Value": "net"}]}`, i, i/250, i%250, i, i)
	}
	b.WriteString(`]}`)
	return []byte(b.String())
}

func BenchmarkCheckKeys(b *testing.B) {
	doc := benchDoc()
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if err := jsonloc.CheckKeys(doc); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUnmarshalDoc is the decode CheckKeys adds to, for scale.
func BenchmarkUnmarshalDoc(b *testing.B) {
	doc := benchDoc()
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		var v map[string]json.RawMessage
		if err := json.Unmarshal(doc, &v); err != nil {
			b.Fatal(err)
		}
	}
}

// TestCaseVariantKeys: two keys of one object that differ only in case
// and name one struct field are an error naming both, at the second's
// path; in a map, which keeps them apart, they are two keys.
func TestCaseVariantKeys(t *testing.T) {
	type rule struct{ CidrIp string }
	type doc struct {
		Rules []rule
		Vars  map[string]string
	}
	tests := []struct {
		name, data, err string
	}{
		{"a struct field named twice", `{"Rules":[{"CidrIp":"a"},{"CidrIp":"198.51.100.0/24","cidrIp":"0.0.0.0/0"}]}`,
			`Rules[1].cidrIp: "cidrIp": malformed JSON: the keys "CidrIp" and "cidrIp" differ only in case and name one field, and only one of their values would count`},
		{"map keys that differ in case are two keys", `{"Vars":{"HOME_NET":"a","home_net":"b"}}`, ""},
		{"an exact duplicate in a map stays an error", `{"Vars":{"x":"a","x":"b"}}`, `Vars.x: malformed JSON: the key "x" appears twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d doc
			err := jsonloc.Document([]byte(tt.data), &d)
			if tt.err == "" {
				require.NoError(t, err)
				assert.Len(t, d.Vars, 2)
				return
			}
			require.ErrorIs(t, err, flow.ErrJSON)
			assert.ErrorContains(t, err, tt.err)
			var rs []rule
			err = jsonloc.Unmarshal("SecurityGroups[3].Rules", []byte(`[{"CidrIp":"198.51.100.0/24","CIDRIP":"0.0.0.0/0"}]`), &rs)
			assert.ErrorContains(t, err, `SecurityGroups[3].Rules[0].CIDRIP: "CIDRIP": malformed JSON: the keys "CidrIp" and "CIDRIP" differ only in case`)
		})
	}
}

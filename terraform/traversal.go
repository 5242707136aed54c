package terraform

import (
	"slices"
	"strings"
)

// How references and addresses are read. Terraform writes both the same
// way (hashicorp/terraform internal/addrs/instance_key.go: a string key
// is toHCLQuotedString's, which escapes quotes, backslashes, control
// characters and template introducers and keeps every other character,
// dots, brackets and spaces included): a traversal of names and keys
// ("module.sgs[\"eu.west\"].sg_id", `aws_subnet.s["a\"]b"].id`). Each
// reference is read step by step (traversal), a quoted key to its
// closing quote past the escaped ones, so a key's dots, brackets and
// quotes never split it.
//
// The model's IDs hold no spaces (reach.Builder refuses them), and a
// for_each key may ("web tier"): the model names a resource whose address
// holds one by the address with each space written \u0020, HCL's escape
// for the same character (modelAddr), which is another spelling of the
// same address; Terraform writes no such escape itself, so the two never
// meet. Every address and reference the reader takes from the plan is
// read in that spelling.

// idEscapes rewrites what a model ID cannot hold (reach.Builder: no
// spaces, tabs or newlines) as HCL's escape for the same character.
var idEscapes = strings.NewReplacer(" ", `\u0020`, "\t", `\t`, "\n", `\n`, "\r", `\r`)

// modelAddr returns the spelling of the address (or reference) a the
// model uses: a itself, but for a space (a tab, a newline) in a key,
// written as HCL's escape for it.
func modelAddr(a string) string {
	if !strings.ContainsAny(a, " \t\n\r") {
		return a
	}
	return idEscapes.Replace(a)
}

// traversal splits a reference or address into its steps: a name
// ("module", "sgs", "sg_id") or a key with its brackets as written
// (`["eu.west"]`, "[0]"); ok is false for a text that is no traversal (an
// empty name, a key with no end).
func traversal(s string) (steps []string, ok bool) {
	for i := 0; i < len(s); {
		switch {
		case s[i] == '[':
			j, ok := keyEnd(s, i)
			if !ok {
				return nil, false
			}
			steps = append(steps, s[i:j])
			i = j
		case s[i] == '.' || i == 0:
			if s[i] == '.' {
				i++
			}
			j := i
			for j < len(s) && s[j] != '.' && s[j] != '[' {
				j++
			}
			if j == i {
				return nil, false
			}
			steps = append(steps, s[i:j])
			i = j
		default:
			return nil, false
		}
	}
	return steps, len(steps) > 0
}

// keyEnd returns the end of the key that opens at s[i] ('['): past its
// "]", and, for a quoted key, past its closing quote, skipping the
// escaped characters (\" \\) inside it.
func keyEnd(s string, i int) (int, bool) {
	if strings.HasPrefix(s[i:], `["`) {
		for k := i + 2; k < len(s); k++ {
			switch s[k] {
			case '\\':
				k++
			case '"':
				if k+1 < len(s) && s[k+1] == ']' {
					return k + 2, true
				}
				return 0, false
			}
		}
		return 0, false
	}
	j := strings.IndexByte(s[i:], ']')
	if j <= 1 {
		return 0, false
	}
	return i + j + 1, true
}

// isKey reports whether a step of a traversal is a key ("[0]").
func isKey(step string) bool {
	return strings.HasPrefix(step, "[")
}

// keyText is a key step's key as written: "[0]" → "0", `["a"]` → `"a"`.
func keyText(step string) string {
	return step[1 : len(step)-1]
}

// unwrapped reports whether refs[i] is a part of refs[i-1], which
// Terraform writes after it: the same traversal less its last steps
// ("aws_subnet.a[0].id", "aws_subnet.a[0]", "aws_subnet.a";
// "module.sgs.ids[0]", "module.sgs.ids", "module.sgs"; hashicorp/terraform
// internal/command/jsonconfig/expression.go, marshalExpression, which
// writes every step of a reference, then the resource without its key or
// the module call without its output or key). It names what refs[i-1]
// names, not more: not every instance as a splat (aws_subnet.a[*].id,
// written "aws_subnet.a" alone) does, nor the module's whole value.
func unwrapped(refs []string, i int) bool {
	if i == 0 {
		return false
	}
	a, ok := traversal(modelAddr(refs[i]))
	if !ok {
		return false
	}
	b, ok := traversal(modelAddr(refs[i-1]))
	return ok && len(a) < len(b) && slices.Equal(a, b[:len(a)])
}

// modRef is a reference into a module call: module.NAME (the call's whole
// value), module.NAME[KEY] (one instance's), module.NAME[KEY].OUTPUT and
// what follows it.
type modRef struct {
	call   string   // the call's name
	key    string   // the instance key as written, "" for none
	output string   // the output's name, "" for the whole value
	rest   []string // the steps after the output ("[0]", "id")
}

// parseModuleRef reads a reference that starts with "module."; ok is false
// for any other.
func parseModuleRef(s string) (modRef, bool) {
	steps, ok := traversal(modelAddr(s))
	if !ok || len(steps) < 2 || steps[0] != "module" || isKey(steps[1]) {
		return modRef{}, false
	}
	m := modRef{call: steps[1]}
	rest := steps[2:]
	if len(rest) > 0 && isKey(rest[0]) {
		m.key, rest = keyText(rest[0]), rest[1:]
	}
	if len(rest) > 0 {
		if isKey(rest[0]) {
			return modRef{}, false
		}
		m.output, m.rest = rest[0], rest[1:]
	}
	return m, true
}

// selects reports whether the steps of a reference after a module's
// output or variable take part of its value by a key ("[0]", `["a"]`).
func selects(rest []string) bool {
	return slices.ContainsFunc(rest, isKey)
}

// modStep is one module call of a module instance path.
type modStep struct {
	call, key string // key as written, "" for none
}

// modulePath splits a module instance path ("module.a[0].module.b") into
// its calls; ok is false for a text that is no such path.
func modulePath(path string) (out []modStep, ok bool) {
	if path == "" {
		return nil, true
	}
	steps, ok := traversal(modelAddr(path))
	if !ok {
		return nil, false
	}
	for i := 0; i < len(steps); {
		if steps[i] != "module" || i+1 >= len(steps) || isKey(steps[i+1]) {
			return nil, false
		}
		st := modStep{call: steps[i+1]}
		i += 2
		if i < len(steps) && isKey(steps[i]) {
			st.key = keyText(steps[i])
			i++
		}
		out = append(out, st)
	}
	return out, true
}

// joinModule writes the module instance path of calls.
func joinModule(calls []modStep) string {
	var b strings.Builder
	for i, c := range calls {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString("module." + c.call)
		if c.key != "" {
			b.WriteString("[" + c.key + "]")
		}
	}
	return b.String()
}

// splitModule splits a module instance path into its parent's path, the
// name of the call and the instance key ("module.a.module.b[0]" →
// "module.a", "b", "0"); ok is false for the root or a text that is no
// module path.
func splitModule(path string) (parent, call, key string, ok bool) {
	calls, ok := modulePath(path)
	if !ok || len(calls) == 0 {
		return "", "", "", false
	}
	last := calls[len(calls)-1]
	return joinModule(calls[:len(calls)-1]), last.call, last.key, true
}

// childModule returns the path of the instance of call key ("" for none)
// in the module instance path parent.
func childModule(parent, call, key string) string {
	c := "module." + call
	if key != "" {
		c += "[" + key + "]"
	}
	if parent == "" {
		return c
	}
	return parent + "." + c
}

// inModule reports whether the module instance path mod is the instance
// path call names from the module instance path from (a module call
// "module.x", in depends_on: any of its instances), or inside it.
func inModule(mod, from, call string) bool {
	calls, ok := modulePath(mod)
	outer, ok2 := modulePath(from)
	if !ok || !ok2 || len(calls) <= len(outer) {
		return false
	}
	return slices.Equal(calls[:len(outer)], outer) && calls[len(outer)].call == call
}

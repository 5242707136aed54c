// Package scramble changes, in place, everything a caller can reach
// through a value: every exported field, slice element and map entry, at
// any depth, through pointers. Tests use it to prove that what a public
// API returns shares nothing with the object that returned it: scramble
// the returned value, ask again, and the answer must not have changed.
//
// Unexported fields are left alone, as a caller outside the package would
// have to; so are functions, channels and interfaces' dynamic values that
// are not addressable. The package imports only the standard library.
package scramble

import (
	"net/netip"
	"reflect"
)

// maxDepth bounds the walk, so a value that reaches itself ends.
const maxDepth = 32

var (
	addrType   = reflect.TypeFor[netip.Addr]()
	prefixType = reflect.TypeFor[netip.Prefix]()
	portType   = reflect.TypeFor[netip.AddrPort]()
)

// All changes everything reachable through ptr, which must be a non-nil
// pointer (or a slice or map, whose elements are changed).
func All(ptr any) {
	walk(reflect.ValueOf(ptr), 0)
}

func walk(v reflect.Value, depth int) {
	if depth > maxDepth || !v.IsValid() {
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			walk(v.Elem(), depth+1)
		}
		return
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			walk(v.Index(i), depth+1)
		}
		return
	case reflect.Map:
		if v.IsNil() || !v.CanInterface() {
			return
		}
		for _, k := range v.MapKeys() {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(v.MapIndex(k))
			walk(e, depth+1)
			v.SetMapIndex(k, e)
		}
		return
	case reflect.Interface:
		if !v.IsNil() {
			walk(v.Elem(), depth+1)
		}
		return
	}
	if !v.CanSet() {
		return
	}
	switch v.Type() {
	case addrType:
		v.Set(reflect.ValueOf(netip.MustParseAddr("192.0.2.254")))
		return
	case prefixType:
		v.Set(reflect.ValueOf(netip.MustParsePrefix("192.0.2.254/32")))
		return
	case portType:
		v.Set(reflect.ValueOf(netip.MustParseAddrPort("192.0.2.254:9")))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(v.String() + "\x1b[31m!")
	case reflect.Bool:
		v.SetBool(!v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(v.Int() ^ 1)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		v.SetUint(v.Uint() ^ 1)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(v.Float() + 1)
	case reflect.Struct:
		exported := false
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				exported = true
				walk(v.Field(i), depth+1)
			}
		}
		if !exported { // a value type such as flow.Set: replace it whole
			v.Set(reflect.Zero(v.Type()))
		}
	}
}

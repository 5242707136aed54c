package flow

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unsafe"

	"golang.org/x/exp/constraints"
)

// Range is an inclusive range of integers [Lo, Hi]: ports (uint16), ICMP
// types and codes (uint8), protocol numbers. A Range with Lo > Hi is empty;
// the zero value is the one-element range [0, 0].
type Range[T constraints.Integer] struct {
	Lo, Hi T
}

// Port ranges, the most common kind.
type (
	// PortRange is an inclusive range of TCP or UDP ports.
	PortRange = Range[uint16]
	// PortSet is a set of TCP or UDP ports.
	PortSet = Set[uint16]
)

// AllPorts is every port from 0 to 65535.
var AllPorts = PortRange{0, 65535}

// Single returns the range holding v alone.
func Single[T constraints.Integer](v T) Range[T] { return Range[T]{v, v} }

// Full returns the range of every value of T.
func Full[T constraints.Integer]() Range[T] {
	lo, hi := limits[T]()
	return Range[T]{lo, hi}
}

// limits returns the smallest and largest values of T.
func limits[T constraints.Integer]() (lo, hi T) {
	var zero T
	hi = ^zero
	if hi > 0 { // unsigned
		return 0, hi
	}
	bits := unsafe.Sizeof(zero) * 8
	one := T(1)
	hi = one<<(bits-1) - 1 // wraps to the maximum at run time
	return -hi - 1, hi
}

// Contains reports whether v lies in r.
func (r Range[T]) Contains(v T) bool { return r.Lo <= v && v <= r.Hi }

// IsEmpty reports whether r holds no value (Lo > Hi).
func (r Range[T]) IsEmpty() bool { return r.Lo > r.Hi }

// IsFull reports whether r holds every value of T.
func (r Range[T]) IsFull() bool { return r == Full[T]() }

// Overlaps reports whether r and o share a value.
func (r Range[T]) Overlaps(o Range[T]) bool {
	return !r.IsEmpty() && !o.IsEmpty() && r.Lo <= o.Hi && o.Lo <= r.Hi
}

// ContainsRange reports whether every value of o lies in r. The empty range
// lies in every range.
func (r Range[T]) ContainsRange(o Range[T]) bool {
	return o.IsEmpty() || (r.Lo <= o.Lo && o.Hi <= r.Hi)
}

// String prints "22" for a single value, "1024-65535" for a span and "empty"
// for an empty range.
func (r Range[T]) String() string {
	switch {
	case r.IsEmpty():
		return "empty"
	case r.Lo == r.Hi:
		return formatInt(r.Lo)
	default:
		return formatInt(r.Lo) + "-" + formatInt(r.Hi)
	}
}

func formatInt[T constraints.Integer](v T) string {
	if v < 0 {
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatUint(uint64(v), 10)
}

// ErrRange is wrapped by every error [ParseRange] and [ParseSet] return.
var ErrRange = errors.New("invalid range")

// ParseRange reads "22" or "1024-65535" (Lo-Hi, Lo <= Hi). Each bound must
// fit T; a negative bound of a signed T is written with its sign, as in
// "-1" or "-5--1".
func ParseRange[T constraints.Integer](s string) (Range[T], error) {
	lo, hi, found := cutDash(s)
	a, err := parseInt[T](lo)
	if err != nil {
		return Range[T]{}, fmt.Errorf("%w %q: %w", ErrRange, s, err)
	}
	if !found {
		return Range[T]{a, a}, nil
	}
	b, err := parseInt[T](hi)
	if err != nil {
		return Range[T]{}, fmt.Errorf("%w %q: %w", ErrRange, s, err)
	}
	if a > b {
		return Range[T]{}, fmt.Errorf("%w %q: start %s is above end %s", ErrRange, s, lo, hi)
	}
	return Range[T]{a, b}, nil
}

// cutDash splits "a-b" at the dash that separates the bounds, skipping a
// leading minus sign of a.
func cutDash(s string) (lo, hi string, found bool) {
	start := 0
	if strings.HasPrefix(s, "-") {
		start = 1
	}
	i := strings.IndexByte(s[start:], '-')
	if i < 0 {
		return s, "", false
	}
	return s[:start+i], s[start+i+1:], true
}

func parseInt[T constraints.Integer](s string) (T, error) {
	lo, hi := limits[T]()
	if lo < 0 {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < int64(lo) || n > int64(hi) {
			return 0, fmt.Errorf("%q is not a number from %s to %s", s, formatInt(lo), formatInt(hi))
		}
		return T(n), nil
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || n > uint64(hi) {
		return 0, fmt.Errorf("%q is not a number from 0 to %s", s, formatInt(hi))
	}
	return T(n), nil
}

// Set is a set of integers held as sorted, disjoint, non-adjacent inclusive
// ranges. It is an immutable value: every operation returns a new Set and
// leaves its operands alone, so Sets are safe to share between goroutines.
// The zero value is the empty set.
type Set[T constraints.Integer] struct {
	rs []Range[T] // sorted by Lo, disjoint, never adjacent, never empty
}

// SetOf returns the set of every value in the given ranges; empty ranges
// are ignored and overlapping or adjacent ones merged.
func SetOf[T constraints.Integer](ranges ...Range[T]) Set[T] {
	rs := make([]Range[T], 0, len(ranges))
	for _, r := range ranges {
		if !r.IsEmpty() {
			rs = append(rs, r)
		}
	}
	slices.SortFunc(rs, func(a, b Range[T]) int {
		switch {
		case a.Lo < b.Lo:
			return -1
		case a.Lo > b.Lo:
			return 1
		}
		return 0
	})
	return Set[T]{normalize(rs)}
}

// normalize merges overlapping and adjacent ranges of a slice sorted by Lo,
// in place.
func normalize[T constraints.Integer](rs []Range[T]) []Range[T] {
	if len(rs) == 0 {
		return nil
	}
	out := rs[:1]
	for _, r := range rs[1:] {
		last := &out[len(out)-1]
		if r.Lo <= last.Hi || r.Lo-1 == last.Hi { // overlap or adjacent; r.Lo > min here
			if r.Hi > last.Hi {
				last.Hi = r.Hi
			}
			continue
		}
		out = append(out, r)
	}
	return out
}

// FullSet returns the set of every value of T.
func FullSet[T constraints.Integer]() Set[T] { return Set[T]{[]Range[T]{Full[T]()}} }

// Ranges returns the set's ranges in ascending order. The slice is a copy.
func (s Set[T]) Ranges() []Range[T] { return slices.Clone(s.rs) }

// AppendRanges appends the set's ranges, in ascending order, to dst and
// returns the extended slice: [Set.Ranges] without a new slice, for a
// caller that reuses its buffer.
func (s Set[T]) AppendRanges(dst []Range[T]) []Range[T] { return append(dst, s.rs...) }

// Len returns how many disjoint ranges the set holds.
func (s Set[T]) Len() int { return len(s.rs) }

// IsEmpty reports whether s holds no value.
func (s Set[T]) IsEmpty() bool { return len(s.rs) == 0 }

// IsFull reports whether s holds every value of T.
func (s Set[T]) IsFull() bool { return len(s.rs) == 1 && s.rs[0].IsFull() }

// Equal reports whether s and o hold the same values.
func (s Set[T]) Equal(o Set[T]) bool { return slices.Equal(s.rs, o.rs) }

// Contains reports whether v is in s.
func (s Set[T]) Contains(v T) bool {
	_, found := slices.BinarySearchFunc(s.rs, v, func(r Range[T], v T) int {
		switch {
		case r.Hi < v:
			return -1
		case r.Lo > v:
			return 1
		}
		return 0
	})
	return found
}

// ContainsRange reports whether every value of r is in s.
func (s Set[T]) ContainsRange(r Range[T]) bool {
	if r.IsEmpty() {
		return true
	}
	for _, x := range s.rs {
		if x.ContainsRange(r) {
			return true
		}
	}
	return false
}

// SubsetOf reports whether every value of s is in o, without
// allocating.
func (s Set[T]) SubsetOf(o Set[T]) bool {
	for _, r := range s.rs {
		if !o.ContainsRange(r) {
			return false
		}
	}
	return true
}

// Count returns how many values s holds, as a uint64 (a full uint64 set's
// count would overflow and saturates at the maximum).
func (s Set[T]) Count() uint64 {
	var n uint64
	for _, r := range s.rs {
		width := uint64(r.Hi) - uint64(r.Lo) + 1 // two's complement makes this right for signed T too
		if width == 0 || n+width < n {
			return ^uint64(0)
		}
		n += width
	}
	return n
}

// Union returns the values in s or o.
func (s Set[T]) Union(o Set[T]) Set[T] {
	switch {
	case len(o.rs) == 0:
		return s
	case len(s.rs) == 0:
		return o
	}
	// merge the two sorted lists, then join what overlaps or touches
	rs := make([]Range[T], 0, len(s.rs)+len(o.rs))
	i, j := 0, 0
	for i < len(s.rs) || j < len(o.rs) {
		if j == len(o.rs) || (i < len(s.rs) && s.rs[i].Lo <= o.rs[j].Lo) {
			rs = append(rs, s.rs[i])
			i++
		} else {
			rs = append(rs, o.rs[j])
			j++
		}
	}
	return Set[T]{normalize(rs)}
}

// Intersect returns the values in both s and o.
func (s Set[T]) Intersect(o Set[T]) Set[T] {
	var out []Range[T]
	i, j := 0, 0
	for i < len(s.rs) && j < len(o.rs) {
		a, b := s.rs[i], o.rs[j]
		lo, hi := max(a.Lo, b.Lo), min(a.Hi, b.Hi)
		if lo <= hi {
			out = append(out, Range[T]{lo, hi})
		}
		if a.Hi < b.Hi {
			i++
		} else {
			j++
		}
	}
	return Set[T]{out}
}

// Complement returns the values of T that are not in s.
func (s Set[T]) Complement() Set[T] {
	lo, hi := limits[T]()
	var out []Range[T]
	next, open := lo, true // next is the first value not yet covered
	for _, r := range s.rs {
		if r.Lo > next {
			out = append(out, Range[T]{next, r.Lo - 1})
		}
		if r.Hi == hi {
			open = false
			break
		}
		next = r.Hi + 1
	}
	if open {
		out = append(out, Range[T]{next, hi})
	}
	return Set[T]{out}
}

// Difference returns the values in s that are not in o.
func (s Set[T]) Difference(o Set[T]) Set[T] {
	if len(s.rs) == 0 || len(o.rs) == 0 {
		return s
	}
	var out []Range[T]
	j := 0
	for _, r := range s.rs {
		// the ranges of o that end before r starts cut nothing of r or
		// of the ranges after it
		for j < len(o.rs) && o.rs[j].Hi < r.Lo {
			j++
		}
		lo, cut := r.Lo, false
		for k := j; k < len(o.rs) && o.rs[k].Lo <= r.Hi; k++ {
			x := o.rs[k]
			if x.Lo > lo {
				out = append(out, Range[T]{lo, x.Lo - 1})
			}
			if x.Hi >= r.Hi {
				cut = true
				break
			}
			lo = x.Hi + 1
		}
		if !cut {
			out = append(out, Range[T]{lo, r.Hi})
		}
	}
	return Set[T]{out}
}

// String prints the ranges separated by commas, as "22,80,1024-65535", and
// "none" for the empty set.
func (s Set[T]) String() string {
	if len(s.rs) == 0 {
		return "none"
	}
	parts := make([]string, len(s.rs))
	for i, r := range s.rs {
		parts[i] = r.String()
	}
	return strings.Join(parts, ",")
}

// ParseSet reads the String form: comma-separated values and ranges such as
// "22,80,1024-65535" (in any order, overlaps allowed), or "none" for the
// empty set. Spaces after commas are allowed.
func ParseSet[T constraints.Integer](s string) (Set[T], error) {
	if s == "none" {
		return Set[T]{}, nil
	}
	if s == "" {
		return Set[T]{}, fmt.Errorf("%w: empty text (write \"none\" for the empty set)", ErrRange)
	}
	parts := strings.Split(s, ",")
	rs := make([]Range[T], 0, len(parts))
	for _, p := range parts {
		r, err := ParseRange[T](strings.TrimLeft(p, " "))
		if err != nil {
			return Set[T]{}, fmt.Errorf("in set %q: %w", s, err)
		}
		rs = append(rs, r)
	}
	return SetOf(rs...), nil
}

// MarshalText writes the String form ("22,80,1024-65535", "none"), so a
// Set is a string in JSON.
func (s Set[T]) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads the String form ([ParseSet]).
func (s *Set[T]) UnmarshalText(b []byte) error {
	v, err := ParseSet[T](string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

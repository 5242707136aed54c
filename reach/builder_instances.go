package reach

import (
	"strings"
)

// instanceAgrees refuses in (interfaces[i]) when an instance-level field
// of it contradicts first's, an earlier interface of the same instance:
// the metadata options and the platform are the instance's
// (describe-instances MetadataOptions, Platform), so two interfaces of one
// instance cannot answer its metadata service or Windows activation
// differently.
func instanceAgrees(p *problems, first, in Interface, i int) {
	platform := func(s string) string {
		switch {
		case s == "":
			return "unsaid"
		case len(s) >= 7 && strings.EqualFold(s[:7], "windows"):
			return "Windows"
		}
		return "not Windows"
	}
	for _, f := range [...]struct{ field, a, b string }{
		{"MetadataEndpoint", first.MetadataEndpoint.String(), in.MetadataEndpoint.String()},
		{"MetadataIPv6", first.MetadataIPv6.String(), in.MetadataIPv6.String()},
		{"MetadataUnknown", setOrNot(first.MetadataUnknown), setOrNot(in.MetadataUnknown)},
		{"Platform", platform(first.Platform), platform(in.Platform)},
	} {
		if f.a == f.b {
			continue
		}
		text := f.b
		switch f.field {
		case "MetadataUnknown":
			text = in.MetadataUnknown
		case "Platform":
			text = in.Platform
		}
		p.add(in.ID, path("interfaces", i, f.field), text, "interface %s and interface %s are both of instance %s, but disagree on %s (%s, %s): it is the instance's, the same on each of its interfaces",
			first.ID, in.ID, in.Instance, f.field, f.a, f.b)
	}
}

// setOrNot says whether s is set.
func setOrNot(s string) string {
	if s == "" {
		return "unset"
	}
	return "set"
}

package reach

import (
	"fmt"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/sg"
)

// What a security group rule or a route that references a prefix list
// counts against the quotas of rules per security group and routes per
// route table (Amazon VPC User Guide, "Managed prefix lists" and
// "AWS-managed prefix list weight"): a customer-managed list counts as
// its MaxEntries, whatever entries it holds now; an AWS-managed list
// counts as the weight AWS gives it, whatever its entries.

// awsManagedPrefix begins the name of every AWS-managed prefix list; AWS
// refuses it for a customer-managed list (CreateManagedPrefixList).
const awsManagedPrefix = "com.amazonaws."

// awsListWeights are the weights of the AWS-managed prefix lists, by the
// name after "com.amazonaws.<region>." ("com.amazonaws.global." for the
// global ones), as the Amazon VPC User Guide's table "AWS-managed prefix
// list weight" gives them.
var awsListWeights = struct{ global, regional map[string]int }{
	global: map[string]int{
		"cloudfront.origin-facing":      55,
		"ipv6.cloudfront.origin-facing": 55,
		"groundstation":                 5,
	},
	regional: map[string]int{
		"dynamodb":                  1,
		"ec2-instance-connect":      2,
		"ipv6.ec2-instance-connect": 2,
		"route53-healthchecks":      25,
		"ipv6.route53-healthchecks": 25,
		"s3":                        1,
		"s3express":                 6,
		"vpc-lattice":               10,
		"ipv6.vpc-lattice":          10,
	},
}

// AWSListWeight returns the weight AWS documents for the AWS-managed
// prefix list named name (com.amazonaws.eu-west-1.s3: 1,
// com.amazonaws.global.cloudfront.origin-facing: 55): what a security
// group rule or route that references it counts against the quotas, in
// place of its entries. ok is false for a name that is not an AWS-managed
// list's, or of a list the table does not hold.
func AWSListWeight(name string) (weight int, ok bool) {
	rest, found := strings.CutPrefix(name, awsManagedPrefix)
	if !found {
		return 0, false
	}
	region, svc, found := strings.Cut(rest, ".")
	if !found {
		return 0, false
	}
	table := awsListWeights.regional
	if region == "global" {
		table = awsListWeights.global
	}
	weight, ok = table[svc]
	return weight, ok
}

// isAWSManaged reports whether l is an AWS-managed list: so declared, or
// named as only AWS names its lists.
func isAWSManaged(l PrefixList) bool {
	return l.AWSManaged || strings.HasPrefix(l.Name, awsManagedPrefix)
}

// listWeight is what one reference to a prefix list counts, per address
// family, and what the input lacks to count it ("" when it lacks
// nothing). When missing is set, v4 and v6 are the least the list
// counts: its entries (at least 1) in its family, nothing in either when
// its family is unknown.
type listWeight struct {
	v4, v6  int
	missing string
}

// prefixListWeight is what a reference to l counts (held says whether
// the design holds l at all).
func prefixListWeight(l PrefixList, held bool) listWeight {
	if !held {
		return listWeight{missing: fmt.Sprintf("prefix list %s is not in the input (counted as nothing)", l.ID)}
	}
	var v4, v6 int
	for _, p := range l.Entries {
		if p.Addr().Is4() {
			v4++
		} else {
			v6++
		}
	}
	fam := l.AddressFamily
	switch {
	case fam != "":
	case v4 > 0 && v6 == 0:
		fam = sg.FamilyIPv4
	case v6 > 0 && v4 == 0:
		fam = sg.FamilyIPv6
	case v4+v6 == 0 && strings.HasPrefix(l.Name, awsManagedPrefix):
		// the names of AWS's lists say their family: ".ipv6." for IPv6
		fam = sg.FamilyIPv4
		if strings.Contains(l.Name, ".ipv6.") {
			fam = sg.FamilyIPv6
		}
	}
	in := func(n int) listWeight { // n in the list's family
		switch fam {
		case sg.FamilyIPv6:
			return listWeight{v6: n}
		case sg.FamilyIPv4:
			return listWeight{v4: n}
		}
		// entries of both families, which AWS refuses: the IPv6 entries
		// with the IPv6 rules, the rest with the IPv4 ones
		return listWeight{v4: max(n-v6, v4), v6: v6}
	}
	var lacks string
	switch {
	case isAWSManaged(l):
		if n, ok := AWSListWeight(l.Name); ok {
			return in(n)
		}
		lacks = fmt.Sprintf("prefix list %s (%q) is AWS-managed and its weight is not in the table reachsim holds", l.ID, l.Name)
	case l.MaxEntries > 0:
		// a list above its MaxEntries (a warning of its own) counts its
		// entries: it cannot be deployed before its MaxEntries holds them
		return in(max(l.MaxEntries, v4+v6))
	default:
		lacks = fmt.Sprintf("prefix list %s's MaxEntries is not in the input", l.ID)
	}
	switch n := v4 + v6; {
	case fam == "" && n == 0:
		return listWeight{missing: lacks + ", nor its address family (counted as nothing)"}
	case n == 0:
		w := in(1)
		w.missing = lacks + " (counted as 1)"
		return w
	default:
		w := in(n)
		w.missing = fmt.Sprintf("%s (counted as its %d %s)", lacks, n, plural(n, "entry", "entries"))
		return w
	}
}

// quotaCount is a count of rules or routes against a quota: at least n,
// exactly n when missing is empty.
type quotaCount struct {
	n       int
	missing []string
}

// add counts n more, and what a list's count lacks.
func (c *quotaCount) add(n int, missing string) {
	c.n += n
	if missing != "" && !slices.Contains(c.missing, missing) {
		c.missing = append(c.missing, missing)
	}
}

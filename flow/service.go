package flow

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Service is a well-known network service: the names a port is written
// with, the protocols it runs over and its ports.
type Service struct {
	Name      string     // the preferred name, lower case, as [ServiceName] prints it
	Aliases   []string   // other accepted names (IANA's where it differs), lower case
	Protocols []Protocol // TCP, UDP or both, in that order
	Ports     PortRange  // one port, or a span (netbios: 137-139)
}

// services is the one table of service names. Names are the common ones
// first; IANA's registered name (service-names-port-numbers) is an alias
// where it differs. The first entry holding a single port is that port's
// preferred name.
var services = []Service{
	{"ssh", nil, tcpOnly, Single[uint16](22)},
	{"telnet", nil, tcpOnly, Single[uint16](23)},
	{"smtp", nil, tcpOnly, Single[uint16](25)},
	{"dns", []string{"domain"}, tcpUDP, Single[uint16](53)},
	{"http", []string{"www"}, tcpOnly, Single[uint16](80)},
	{"pop3", nil, tcpOnly, Single[uint16](110)},
	{"ntp", nil, udpOnly, Single[uint16](123)},
	{"rpc", []string{"msrpc", "epmap"}, tcpUDP, Single[uint16](135)},
	{"netbios", nil, tcpUDP, PortRange{137, 139}},
	{"netbios-ns", nil, tcpUDP, Single[uint16](137)},
	{"netbios-dgm", nil, udpOnly, Single[uint16](138)},
	{"netbios-ssn", nil, tcpOnly, Single[uint16](139)},
	{"imap", nil, tcpOnly, Single[uint16](143)},
	{"snmp", nil, udpOnly, Single[uint16](161)},
	{"ldap", nil, tcpUDP, Single[uint16](389)},
	{"https", nil, tcpUDP, Single[uint16](443)}, // udp: HTTP/3 over QUIC
	{"smb", []string{"microsoft-ds"}, tcpOnly, Single[uint16](445)},
	{"smtps", []string{"submissions"}, tcpOnly, Single[uint16](465)},
	{"submission", nil, tcpOnly, Single[uint16](587)},
	{"imaps", nil, tcpOnly, Single[uint16](993)},
	{"pop3s", nil, tcpOnly, Single[uint16](995)},
	{"mssql", []string{"ms-sql-s"}, tcpOnly, Single[uint16](1433)},
	{"oracle", nil, tcpOnly, Single[uint16](1521)},
	{"nfs", nil, tcpUDP, Single[uint16](2049)},
	{"docker", nil, tcpOnly, Single[uint16](2375)},
	{"docker-tls", []string{"docker-s"}, tcpOnly, Single[uint16](2376)},
	{"etcd", []string{"etcd-client"}, tcpOnly, Single[uint16](2379)},
	{"mysql", nil, tcpOnly, Single[uint16](3306)},
	{"rdp", []string{"ms-wbt-server"}, tcpUDP, Single[uint16](3389)},
	{"postgresql", []string{"postgres"}, tcpOnly, Single[uint16](5432)},
	{"vnc-http", nil, tcpOnly, Single[uint16](5800)},
	{"vnc", []string{"rfb"}, tcpOnly, Single[uint16](5900)},
	{"redis", nil, tcpOnly, Single[uint16](6379)},
	{"kubernetes-api", []string{"k8s-api"}, tcpOnly, Single[uint16](6443)},
	{"http-alt", nil, tcpOnly, Single[uint16](8080)},
	{"elasticsearch", nil, tcpOnly, Single[uint16](9200)},
	{"memcached", []string{"memcache"}, tcpUDP, Single[uint16](11211)},
	{"mongodb", nil, tcpOnly, Single[uint16](27017)},
}

var (
	tcpOnly = []Protocol{TCP}
	udpOnly = []Protocol{UDP}
	tcpUDP  = []Protocol{TCP, UDP}
)

// serviceByName maps every name and alias to its entry in services;
// portName maps a port to its preferred name.
var serviceByName, portName = indexServices()

func indexServices() (map[string]int, map[uint16]string) {
	byName := make(map[string]int)
	byPort := make(map[uint16]string)
	for i, s := range services {
		for _, n := range append([]string{s.Name}, s.Aliases...) {
			if _, dup := byName[n]; dup {
				panic("flow: service name " + n + " is in the table twice")
			}
			byName[n] = i
		}
		if _, named := byPort[s.Ports.Lo]; s.Ports.Lo == s.Ports.Hi && !named {
			byPort[s.Ports.Lo] = s.Name
		}
	}
	return byName, byPort
}

// Services returns the table of well-known services in port order (a
// span before the single ports it covers). The slice and its entries are
// copies: changing them changes nothing here.
func Services() []Service {
	out := make([]Service, len(services))
	for i, s := range services {
		s.Aliases = slices.Clone(s.Aliases)
		s.Protocols = slices.Clone(s.Protocols)
		out[i] = s
	}
	return out
}

// ServiceName returns the preferred name of port ("ssh" for 22, "https"
// for 443), or "" when the table has none.
func ServiceName(port uint16) string { return portName[port] }

// ErrService is wrapped, beside [ErrRange], by the errors of [ParsePort]
// and [ParsePortSet] for a name the service table does not hold.
var ErrService = errors.New("unknown service name")

// portError names the offending text and wraps ErrRange and, for an
// unknown name, ErrService.
type portError struct {
	text, why string
	unknown   bool
}

func (e *portError) Error() string { return fmt.Sprintf("port %q: %s", e.text, e.why) }

func (e *portError) Unwrap() []error {
	if e.unknown {
		return []error{ErrRange, ErrService}
	}
	return []error{ErrRange}
}

// ParsePort reads one TCP or UDP port: a number from 0 to 65535 or a
// service name of [Services] in any letter case ("ssh", "HTTPS",
// "postgres"). A name that covers several ports (netbios) is an error
// here; [ParsePortSet] takes it. Errors wrap [ErrRange], and [ErrService]
// for an unknown name, and suggest the closest known names.
func ParsePort(s string) (uint16, error) {
	r, err := parsePortItem(s)
	if err != nil {
		return 0, err
	}
	if r.Lo != r.Hi {
		return 0, &portError{text: s, why: "names ports " + r.String() + ", not one port"}
	}
	return r.Lo, nil
}

// parsePortItem reads a number or a service name into the ports it names.
func parsePortItem(s string) (PortRange, error) {
	if s != "" && s[0] >= '0' && s[0] <= '9' {
		n, err := strconv.ParseUint(s, 10, 16)
		if err != nil {
			return PortRange{}, &portError{text: s, why: "not a port number from 0 to 65535 or a service name"}
		}
		return Single(uint16(n)), nil
	}
	if i, ok := serviceByName[strings.ToLower(s)]; ok {
		return services[i].Ports, nil
	}
	if !isName(s) {
		return PortRange{}, &portError{text: s, why: "not a port number from 0 to 65535 or a service name"}
	}
	why := "unknown service name"
	if near := closestServices(strings.ToLower(s)); len(near) > 0 {
		why += "; did you mean " + strings.Join(near, " or ") + "?"
	}
	return PortRange{}, &portError{text: s, why: why, unknown: true}
}

// isName reports whether s could be a service name: a letter, then
// letters, digits and dashes.
func isName(s string) bool {
	for i, c := range s {
		letter := (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
		if !letter && (i == 0 || ((c < '0' || c > '9') && c != '-')) {
			return false
		}
	}
	return s != ""
}

// ParsePortSet reads a set of ports: comma-separated items, each a port
// or a range "lo-hi", where a port is a number or a service name as
// [ParsePort] reads it, and a lone name may cover several ports
// ("ssh,80,8000-8100", "https,mysql", "netbios", "ssh-http" for 22-80), or
// "none" for the empty set. Spaces around items are allowed. It reads
// everything [ParseSet] reads as a uint16 set, to the same set, and
// [Set.String] prints a set back in numbers that it reads again. Errors
// wrap [ErrRange], and [ErrService] for an unknown name, and quote the
// whole text and the offending item.
func ParsePortSet(s string) (PortSet, error) {
	if strings.EqualFold(strings.TrimSpace(s), "none") {
		return PortSet{}, nil
	}
	if strings.TrimSpace(s) == "" {
		return PortSet{}, fmt.Errorf("%w: empty text (write \"none\" for the empty set)", ErrRange)
	}
	parts := strings.Split(s, ",")
	rs := make([]PortRange, 0, len(parts))
	for _, p := range parts {
		r, err := parsePortSetItem(strings.TrimSpace(p))
		if err != nil {
			return PortSet{}, fmt.Errorf("in port set %q: %w", s, err)
		}
		rs = append(rs, r)
	}
	return SetOf(rs...), nil
}

// parsePortSetItem reads one item of a port set: a port, a name (of one
// port or several) or "lo-hi". Names hold dashes, so a whole name is tried
// first, then every dash as the separator; more than one reading is an
// error.
func parsePortSetItem(s string) (PortRange, error) {
	if _, named := serviceByName[strings.ToLower(s)]; named || !strings.Contains(s, "-") {
		return parsePortItem(s)
	}
	var found []PortRange
	for i := range len(s) {
		if s[i] != '-' {
			continue
		}
		lo, errLo := ParsePort(s[:i])
		hi, errHi := ParsePort(s[i+1:])
		if errLo == nil && errHi == nil {
			found = append(found, PortRange{lo, hi})
		}
	}
	switch {
	case len(found) > 1:
		return PortRange{}, &portError{text: s, why: "reads as more than one range; write numbers"}
	case len(found) == 0:
		lo, hi, _ := strings.Cut(s, "-")
		if _, err := ParsePort(lo); err != nil {
			return PortRange{}, err
		}
		if _, err := ParsePort(hi); err != nil {
			return PortRange{}, err
		}
		return PortRange{}, &portError{text: s, why: "not a port, a service name or a range lo-hi"}
	}
	if r := found[0]; r.Lo > r.Hi {
		return PortRange{}, &portError{text: s, why: fmt.Sprintf("start %d is above end %d", r.Lo, r.Hi)}
	}
	return found[0], nil
}

// closestServices returns up to three known names within two edits of
// name, or starting with it: those of the fewest edits, in name order.
func closestServices(name string) []string {
	type near struct {
		name string
		d    int
	}
	var ns []near
	for n := range serviceByName {
		d := editDistance(name, n)
		if len(name) >= 2 && strings.HasPrefix(n, name) {
			d = min(d, 1)
		}
		if d <= 2 {
			ns = append(ns, near{n, d})
		}
	}
	slices.SortFunc(ns, func(a, b near) int {
		if a.d != b.d {
			return a.d - b.d
		}
		return strings.Compare(a.name, b.name)
	})
	var out []string
	for _, n := range ns[:min(3, len(ns))] {
		if n.d == ns[0].d {
			out = append(out, n.name)
		}
	}
	return out
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

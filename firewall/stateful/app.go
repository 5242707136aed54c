package stateful

import (
	"cmp"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/flow"
)

// The application protocol of a session that names none, from its
// transport and destination port.

// appPorts is the table [DefaultAppProto] reads, through appByPort.
var appPorts = map[flow.Protocol]map[uint16]string{
	flow.TCP: {
		443: "tls", 8443: "tls", 465: "tls", 636: "tls", 993: "tls", 995: "tls",
		80: "http", 8080: "http", 8000: "http",
		53: "dns", 22: "ssh", 25: "smtp", 587: "smtp", 21: "ftp", 143: "imap", 110: "pop3",
		445: "smb", 135: "dcerpc", 88: "krb5", 389: "ldap", 3389: "rdp", 5900: "rfb", 1883: "mqtt",
		5432: "pgsql", 23: "telnet", 502: "modbus", 20000: "dnp3", 2049: "nfs",
	},
	flow.UDP: {
		53: "dns", 123: "ntp", 67: "dhcp", 68: "dhcp", 69: "tftp", 161: "snmp", 88: "krb5",
		5060: "sip", 443: "quic", 2049: "nfs",
	},
}

// DefaultAppProto returns the application protocol reachsim assumes for a
// connection that names none, from its transport and destination port:
//
//	tcp  443 8443 465 636 993 995 -> tls   80 8080 8000 -> http   53 -> dns   22 -> ssh
//	     25 587 -> smtp   21 -> ftp   143 -> imap   110 -> pop3   445 -> smb
//	     135 -> dcerpc   88 -> krb5   389 -> ldap   3389 -> rdp   5900 -> rfb
//	     1883 -> mqtt   5432 -> pgsql   23 -> telnet   502 -> modbus
//	     20000 -> dnp3   2049 -> nfs
//	udp  53 -> dns   123 -> ntp   67 68 -> dhcp   69 -> tftp   161 -> snmp
//	     88 -> krb5   5060 -> sip   443 -> quic   2049 -> nfs
//
// and "none" for anything else (Suricata's protocol detection fails; no
// application-layer rule matches). IKE's udp 500 and 4500 are "none" too:
// Network Firewall does not detect IKEv2 (AWS, "Limitations and caveats
// for stateful rules"), as it does not detect FTP data connections. Suricata detects protocols by content,
// not port: the table is reachsim's guess, a stated limit, for a session
// that says nothing of its protocol. Set the flow's App when a
// service runs elsewhere. A TCP session with a Domain and no App
// speaks TLS or HTTP whatever this returns: on a port this takes for
// neither, the engine judges it both ways (see the package doc,
// Application protocol).
func DefaultAppProto(f flow.Flow) string {
	var ports []portApp
	switch f.Protocol {
	case flow.TCP:
		ports = appByPort[0]
	case flow.UDP:
		ports = appByPort[1]
	default:
		return "none"
	}
	k := f.Dst.Port()
	lo, hi := 0, len(ports)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if ports[mid].port < k {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo < len(ports) && ports[lo].port == k {
		return ports[lo].app
	}
	return "none"
}

// portApp is a port and its application protocol in appByPort.
type portApp struct {
	port uint16
	app  string
}

// appByPort is appPorts for TCP and UDP as lists sorted by port, searched
// without hashing.
var appByPort = func() (l [2][]portApp) {
	for k, pr := range [2]flow.Protocol{flow.TCP, flow.UDP} {
		for port, app := range appPorts[pr] {
			l[k] = append(l[k], portApp{port, app})
		}
		slices.SortFunc(l[k], func(a, b portApp) int { return cmp.Compare(a.port, b.port) })
	}
	return l
}()

// detected reports whether Network Firewall detects application protocol
// a (as canonApp names it): all but ike and ftp-data. AWS, "Limitations
// and caveats for stateful rules in AWS Network Firewall"
// (https://docs.aws.amazon.com/network-firewall/latest/developerguide/suricata-limitations-caveats.html),
// lists "FTP-data protocol detection" and "IKEv2 protocol" among the
// Suricata features it does not support, without saying that it refuses
// a rule naming them: such a rule is accepted and matches no session
// (reachsim compiles it as never matching), and a session that speaks
// such a protocol is seen to speak none (its detection fails), so
// app-layer-protocol:failed matches it.
func detected(a string) bool { return a != "ike" && a != "ftp-data" }

// seenApp is the application protocol Network Firewall sees a session
// speak: a (canonical), or "none" for one it does not detect.
func seenApp(a string) string {
	if !detected(a) {
		return "none"
	}
	return a
}

// knownApp reports whether name (lower case) is an application protocol
// Suricata's app-layer-protocol keyword takes: a name of flow.App but
// none, or one of Suricata's aliases (ssl, http1, ikev2).
func knownApp(name string) bool {
	a, err := flow.ParseApp(name)
	return err == nil && a != flow.AppNone
}

// ruleAppNames are the names knownApp takes, for an error.
func ruleAppNames() []string {
	return slices.DeleteFunc(flow.Apps(), func(n string) bool { return n == "none" })
}

// canonApp maps a session's application protocol to the name the engine
// uses: lower case, "http1" as "http", "ssl" as "tls", "ikev2" as "ike".
func canonApp(a string) string {
	a = strings.ToLower(a)
	switch a {
	case "http1":
		return "http"
	case "ssl":
		return "tls"
	case "ikev2":
		return "ike"
	}
	return a
}

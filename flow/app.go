package flow

import (
	"fmt"
	"slices"
	"strings"
)

// App is the application protocol a connection speaks, as Suricata (the
// engine of AWS Network Firewall's stateful rules) names it: tls, http,
// ssh, dns... Suricata tells a session's protocol by its content, not its
// port; a flow says it in [Flow.App], or leaves it [AppUnset] and lets the
// firewall guess from the destination port (package firewall/stateful,
// DefaultAppProto: tcp/443 is tls, an unlisted port speaks none).
// Security groups and network ACLs never read it.
type App uint8

// The application protocols a flow can name: [AppUnset], [AppNone] (a
// protocol Suricata does not recognise: no application-layer rule
// matches) and Suricata's application-layer protocols, each written as
// [App.String] prints it.
//
// Each rides on the transport Suricata's parser for it registers for
// ([App.RunsOver]): tls, http, http2, ssh, smtp, ftp, ftp-data, imap,
// pop3, smb, rdp, rfb, mqtt, pgsql, telnet, modbus, dnp3, msn and
// websocket over tcp; quic, dhcp, ntp, tftp, snmp, ike and bittorrent-dht
// over udp; dns, dcerpc, krb5, nfs, ldap, sip and enip over either (each
// registers a parser for both). A flow naming an App on a transport that
// cannot carry it is invalid.
//
// AWS Network Firewall does not detect two of them: its stateful rules
// do not support "FTP-data protocol detection" nor "IKEv2 protocol"
// (AWS, "Limitations and caveats for stateful rules in AWS Network
// Firewall",
// https://docs.aws.amazon.com/network-firewall/latest/developerguide/suricata-limitations-caveats.html).
// A flow may still name [AppFTPData] or [AppIKE] (the session speaks it),
// but the firewall sees no application protocol in it, as for [AppNone]
// (package firewall/stateful, "Application protocol").
const (
	// AppUnset says nothing: the firewall guesses from the port.
	AppUnset App = iota
	// AppNone is a protocol Suricata does not recognise.
	AppNone
	AppTLS
	AppHTTP
	AppHTTP2
	AppSSH
	AppDNS
	AppSMTP
	AppFTP
	// AppFTPData is an FTP data connection, which Network Firewall does
	// not detect: it judges it as AppNone.
	AppFTPData
	AppIMAP
	AppPOP3
	AppSMB
	AppDCERPC
	AppKRB5
	AppLDAP
	AppRDP
	AppRFB
	AppMQTT
	AppPgSQL
	AppTelnet
	AppModbus
	AppDNP3
	AppENIP
	AppNFS
	AppNTP
	AppDHCP
	AppTFTP
	AppSNMP
	// AppIKE is IKE (IKEv1 and IKEv2, alias ikev2), which Network
	// Firewall does not detect: it judges it as AppNone.
	AppIKE
	AppSIP
	AppQUIC
	AppMSN
	AppBittorrentDHT
	AppWebSocket
	appCount // not a protocol: how many there are
)

// appNames are the names of the application protocols, by App, as
// Suricata writes them.
var appNames = [appCount]string{
	AppUnset: "", AppNone: "none", AppTLS: "tls", AppHTTP: "http", AppHTTP2: "http2",
	AppSSH: "ssh", AppDNS: "dns", AppSMTP: "smtp", AppFTP: "ftp", AppFTPData: "ftp-data", AppIMAP: "imap",
	AppPOP3: "pop3", AppSMB: "smb", AppDCERPC: "dcerpc", AppKRB5: "krb5", AppLDAP: "ldap", AppRDP: "rdp",
	AppRFB: "rfb", AppMQTT: "mqtt", AppPgSQL: "pgsql", AppTelnet: "telnet", AppModbus: "modbus", AppDNP3: "dnp3",
	AppENIP: "enip", AppNFS: "nfs", AppNTP: "ntp", AppDHCP: "dhcp", AppTFTP: "tftp", AppSNMP: "snmp",
	AppIKE: "ike", AppSIP: "sip", AppQUIC: "quic", AppMSN: "msn", AppBittorrentDHT: "bittorrent-dht", AppWebSocket: "websocket",
}

// appAliases are the other names Suricata accepts for a protocol.
var appAliases = map[string]App{"ssl": AppTLS, "http1": AppHTTP, "ikev2": AppIKE}

// String returns the protocol's name as Suricata writes it ("tls"), ""
// for [AppUnset].
func (a App) String() string {
	if int(a) < len(appNames) {
		return appNames[a]
	}
	return fmt.Sprintf("app(%d)", uint8(a))
}

// Apps returns the names [ParseApp] reads, "none" first, in a new slice.
func Apps() []string { return slices.Clone(appNames[AppNone:]) }

// ParseApp reads an application protocol's name as Suricata writes it,
// in any case ("tls", "HTTP"), with Suricata's aliases ssl (tls), http1
// (http) and ikev2 (ike), or "none". An unknown name is an error that
// lists the names it takes.
func ParseApp(s string) (App, error) {
	n := strings.ToLower(s)
	if a, ok := appAliases[n]; ok {
		return a, nil
	}
	if i := slices.Index(appNames[:], n); i > 0 {
		return App(i), nil
	}
	return AppUnset, fmt.Errorf("%w: application protocol %q: want one of %s", ErrFlow, s, strings.Join(Apps(), ", "))
}

// IsValid reports whether a is [AppUnset] or a protocol [ParseApp]
// reads (not a number converted to App beyond them).
func (a App) IsValid() bool { return int(a) < len(appNames) }

// Transports on which an application protocol runs, as bits.
const (
	overTCP uint8 = 1 << iota
	overUDP
)

// appOver is the transports Suricata's parser of each protocol registers
// for (src/app-layer-*.c, rust/src/*/: the IPPROTO_TCP or IPPROTO_UDP it
// registers detection and parsing with; snmp: rust/src/snmp/snmp.rs,
// IPPROTO_UDP only). Both where Suricata registers a parser for each.
var appOver = [appCount]uint8{
	AppUnset: overTCP | overUDP, AppNone: overTCP | overUDP,
	AppTLS: overTCP, AppHTTP: overTCP, AppHTTP2: overTCP, AppSSH: overTCP, AppSMTP: overTCP,
	AppFTP: overTCP, AppFTPData: overTCP, AppIMAP: overTCP, AppPOP3: overTCP, AppSMB: overTCP,
	AppRDP: overTCP, AppRFB: overTCP, AppMQTT: overTCP, AppPgSQL: overTCP, AppTelnet: overTCP,
	AppModbus: overTCP, AppDNP3: overTCP, AppMSN: overTCP, AppWebSocket: overTCP,
	AppQUIC: overUDP, AppDHCP: overUDP, AppNTP: overUDP, AppTFTP: overUDP, AppSNMP: overUDP, AppIKE: overUDP, AppBittorrentDHT: overUDP,
	AppDNS: overTCP | overUDP, AppDCERPC: overTCP | overUDP, AppKRB5: overTCP | overUDP, AppNFS: overTCP | overUDP,
	AppLDAP: overTCP | overUDP, AppSIP: overTCP | overUDP, AppENIP: overTCP | overUDP,
}

// RunsOver reports whether a session of transport p can speak a: p is
// tcp or udp, and Suricata's parser of a runs over it (see [App]);
// [AppUnset] and [AppNone] run over both. False for an invalid App.
func (a App) RunsOver(p Protocol) bool {
	if !a.IsValid() {
		return false
	}
	switch p {
	case TCP:
		return appOver[a]&overTCP != 0
	case UDP:
		return appOver[a]&overUDP != 0
	}
	return false
}

// Transports returns the transports a runs over ([App.RunsOver]): tcp,
// udp or both, in a new slice; nil for an invalid App.
func (a App) Transports() []Protocol {
	var out []Protocol
	for _, p := range [...]Protocol{TCP, UDP} {
		if a.RunsOver(p) {
			out = append(out, p)
		}
	}
	return out
}

// TransportWords says over what a runs: "tcp", "udp" or "tcp or udp".
func (a App) TransportWords() string {
	ps := a.Transports()
	words := make([]string, len(ps))
	for i, p := range ps {
		words[i] = p.String()
	}
	return strings.Join(words, " or ")
}

// checkApp reports why f cannot carry its App: an App a flow has no room
// for (only tcp and udp carry an application protocol), one on a
// transport that cannot carry it ([App.RunsOver]), or one other than tls
// or http beside a Domain (a TLS SNI or an HTTP Host).
func (f Flow) checkApp() error {
	switch {
	case f.App == AppUnset:
		return nil
	case !f.App.IsValid():
		return fmt.Errorf("%w: application protocol %d is not one of %s", ErrFlow, uint8(f.App), strings.Join(Apps(), ", "))
	case !f.Protocol.HasPorts():
		return fmt.Errorf("%w: protocol %s carries no application protocol, but app %s is set; it is for tcp and udp", ErrFlow, f.Protocol, f.App)
	case !f.App.RunsOver(f.Protocol):
		return fmt.Errorf("%w: app %s runs over %s only (Suricata's %s parser), not %s", ErrFlow, f.App, f.App.TransportWords(), f.App, f.Protocol)
	case f.Domain != "" && f.App != AppTLS && f.App != AppHTTP && f.App != AppHTTP2:
		return fmt.Errorf("%w: domain %q is a TLS SNI or an HTTP Host, but app is %s: want tls, http or http2", ErrFlow, f.Domain, f.App)
	}
	return nil
}

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
// matches) and Suricata's application-layer protocols that Network
// Firewall's rules can name, each written as [App.String] prints it.
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

// checkApp reports why f cannot carry its App: an App a flow has no room
// for (only tcp and udp carry an application protocol), or one other
// than tls or http beside a Domain (a TLS SNI or an HTTP Host).
func (f Flow) checkApp() error {
	switch {
	case f.App == AppUnset:
		return nil
	case !f.App.IsValid():
		return fmt.Errorf("%w: application protocol %d is not one of %s", ErrFlow, uint8(f.App), strings.Join(Apps(), ", "))
	case !f.Protocol.HasPorts():
		return fmt.Errorf("%w: protocol %s carries no application protocol, but app %s is set; it is for tcp and udp", ErrFlow, f.Protocol, f.App)
	case f.Domain != "" && f.App != AppTLS && f.App != AppHTTP && f.App != AppHTTP2:
		return fmt.Errorf("%w: domain %q is a TLS SNI or an HTTP Host, but app is %s: want tls, http or http2", ErrFlow, f.Domain, f.App)
	}
	return nil
}

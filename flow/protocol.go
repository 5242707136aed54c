package flow

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Protocol is an IP protocol number as IANA assigns them (0–255), or
// [AllProtocols] (-1), which rules use to mean every protocol. A [Flow]
// always carries a concrete protocol; only rules use AllProtocols.
//
// The zero value is protocol 0 (HOPOPT), a valid but rarely useful number.
type Protocol int16

// Well-known protocols. Any number from 0 to 255 is a valid Protocol; these
// are the ones with names that [ParseProtocol] accepts and String prints.
const (
	AllProtocols Protocol = -1  // every protocol ("all", "-1"): rules only
	ICMP         Protocol = 1   // ICMP for IPv4
	IGMP         Protocol = 2   // IGMP
	TCP          Protocol = 6   // TCP
	UDP          Protocol = 17  // UDP
	GRE          Protocol = 47  // GRE
	ESP          Protocol = 50  // IPsec ESP
	AH           Protocol = 51  // IPsec AH
	ICMPv6       Protocol = 58  // ICMP for IPv6
	SCTP         Protocol = 132 // SCTP
)

var protocolNames = map[Protocol]string{
	AllProtocols: "all",
	ICMP:         "icmp",
	IGMP:         "igmp",
	TCP:          "tcp",
	UDP:          "udp",
	GRE:          "gre",
	ESP:          "esp",
	AH:           "ah",
	ICMPv6:       "icmpv6",
	SCTP:         "sctp",
}

var protocolByName = func() map[string]Protocol {
	m := make(map[string]Protocol, len(protocolNames)+2)
	for p, n := range protocolNames {
		m[n] = p
	}
	m["icmp6"] = ICMPv6 // a common spelling
	return m
}()

// ErrProtocol is wrapped by every error [ParseProtocol] returns.
var ErrProtocol = errors.New("invalid protocol")

// ParseProtocol reads a protocol name or number: "tcp", "TCP", "6", "-1",
// "all", "icmpv6" (also "icmp6"), or any decimal number from 0 to 255.
// Names are case-insensitive; surrounding spaces are not accepted.
func ParseProtocol(s string) (Protocol, error) {
	if p, ok := protocolByName[strings.ToLower(s)]; ok {
		return p, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < -1 || n > 255 {
		return 0, fmt.Errorf("%w %q: want a name (tcp, udp, icmp, icmpv6, all, ...) or a number from 0 to 255, or -1 for all", ErrProtocol, s)
	}
	return Protocol(n), nil
}

// MustParseProtocol is [ParseProtocol] that panics on error, for literals in
// code and tests.
func MustParseProtocol(s string) Protocol {
	p, err := ParseProtocol(s)
	if err != nil {
		panic(err)
	}
	return p
}

// String returns the protocol's name when it has one in this package
// ("tcp", "all") and its decimal number otherwise ("89").
func (p Protocol) String() string {
	if n, ok := protocolNames[p]; ok {
		return n
	}
	return strconv.Itoa(int(p))
}

// IsValid reports whether p is -1 (all) or a number from 0 to 255.
func (p Protocol) IsValid() bool { return p >= -1 && p <= 255 }

// IsConcrete reports whether p names one protocol (0–255), as a packet's
// protocol must.
func (p Protocol) IsConcrete() bool { return p >= 0 && p <= 255 }

// Matches reports whether a rule protocol p covers a packet of protocol q:
// AllProtocols covers every protocol, any other value only itself.
func (p Protocol) Matches(q Protocol) bool { return p == AllProtocols || p == q }

// HasPorts reports whether packets of protocol p carry ports that AWS filters
// on: TCP and UDP.
func (p Protocol) HasPorts() bool { return p == TCP || p == UDP }

// IsICMP reports whether p is ICMP or ICMPv6, whose packets carry a type and
// code instead of ports.
func (p Protocol) IsICMP() bool { return p == ICMP || p == ICMPv6 }

// MarshalText implements [encoding.TextMarshaler] with the String form.
func (p Protocol) MarshalText() ([]byte, error) {
	if !p.IsValid() {
		return nil, fmt.Errorf("%w: %d out of range", ErrProtocol, int(p))
	}
	return []byte(p.String()), nil
}

// UnmarshalText implements [encoding.TextUnmarshaler] with [ParseProtocol].
func (p *Protocol) UnmarshalText(b []byte) error {
	q, err := ParseProtocol(string(b))
	if err != nil {
		return err
	}
	*p = q
	return nil
}

// IsProtocolNumber reports whether s is a protocol number as the clouds'
// APIs write one: one to three ASCII digits, no sign, no spaces, at most
// 255. The readers of cloud JSON use it beside their own protocol names.
func IsProtocolNumber(s string) bool {
	if s == "" || len(s) > 3 {
		return false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n <= 255
}

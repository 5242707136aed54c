package stateless

import (
	"errors"
	"fmt"
	"strings"

	"github.com/reachsim/reachsim/flow"
)

// Sentinel errors wrapped by the *flow.InputError values this package
// returns.
var (
	// ErrInvalidRule: a rule's fields are out of range or inconsistent.
	ErrInvalidRule = errors.New("invalid firewall rule")
	// ErrInvalidGroup: a rule group is inconsistent (duplicate priorities,
	// unknown custom actions, ...).
	ErrInvalidGroup = errors.New("invalid firewall rule group")
	// ErrInvalidPolicy: the policy's stateless settings are inconsistent
	// (defaults, group priorities, policy custom actions).
	ErrInvalidPolicy = errors.New("invalid firewall policy")
)

// TCPFlags is a set of TCP header flags, one bit each, in the order of the
// TCP header.
type TCPFlags uint8

// The TCP flags AWS Network Firewall's stateless rules can match.
const (
	FIN TCPFlags = 1 << iota
	SYN
	RST
	PSH
	ACK
	URG
	ECE
	CWR
)

var tcpFlagNames = [...]string{"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"}

// String prints the set flags joined by "|", as "SYN|ACK", or "none".
func (f TCPFlags) String() string {
	var parts []string
	for i, n := range tcpFlagNames {
		if f&(1<<i) != 0 {
			parts = append(parts, n)
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, "|")
}

// ParseTCPFlag reads one flag name as AWS writes it ("SYN", any case).
func ParseTCPFlag(s string) (TCPFlags, error) {
	for i, n := range tcpFlagNames {
		if strings.EqualFold(s, n) {
			return 1 << i, nil
		}
	}
	return 0, fmt.Errorf("%w: TCP flag %q: want one of FIN SYN RST PSH ACK URG ECE CWR", ErrInvalidRule, s)
}

// Packet is one packet as the firewall sees it: a flow header, its TCP
// flags (TCP only), and whether it is a non-initial IP fragment, which the
// stateless engine handles with the fragment default actions.
type Packet struct {
	flow.Flow
	Flags    TCPFlags
	Fragment bool
}

// String prints the flow and, for TCP, its flags: "tcp 10.0.0.1:5 -> 10.0.0.2:443 [SYN]".
func (p Packet) String() string {
	s := p.Flow.String()
	if p.Protocol == flow.TCP {
		s += " [" + p.Flags.String() + "]"
	}
	if p.Fragment {
		s += " (fragment)"
	}
	return s
}

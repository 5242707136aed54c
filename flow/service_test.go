package flow_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
)

func TestParsePort(t *testing.T) {
	tests := []struct {
		in   string
		want uint16
	}{
		{"0", 0},
		{"22", 22},
		{"65535", 65535},
		{"ssh", 22},
		{"SSH", 22},
		{"Https", 443},
		{"domain", 53},
		{"dns", 53},
		{"postgres", 5432},
		{"postgresql", 5432},
		{"rdp", 3389},
		{"ms-wbt-server", 3389},
		{"netbios-ssn", 139},
		{"k8s-api", 6443},
		{"http-alt", 8080},
		{"mongodb", 27017},
	}
	for _, tt := range tests {
		t.Run(tt.in+" reads as a port", func(t *testing.T) {
			got, err := flow.ParsePort(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParsePortErrors(t *testing.T) {
	tests := []struct {
		in      string
		unknown bool     // wraps ErrService
		msg     []string // substrings of the message
	}{
		{"70000", false, []string{`port "70000"`, "not a port number from 0 to 65535"}},
		{"-1", false, []string{`port "-1"`}},
		{"", false, []string{`port ""`}},
		{"22 ", false, []string{`port "22 "`}},
		{"ssh!", false, []string{`port "ssh!"`}},
		{"netbios", false, []string{`port "netbios"`, "137-139"}},
		{"htps", true, []string{`port "htps"`, "unknown service name", "https"}},
		{"postgre", true, []string{"did you mean", "postgres"}},
		{"zzzzzzzz", true, []string{`port "zzzzzzzz": unknown service name`}},
	}
	for _, tt := range tests {
		t.Run(tt.in+" is rejected", func(t *testing.T) {
			_, err := flow.ParsePort(tt.in)
			require.Error(t, err)
			require.ErrorIs(t, err, flow.ErrRange)
			assert.Equal(t, tt.unknown, errors.Is(err, flow.ErrService))
			for _, m := range tt.msg {
				assert.Contains(t, err.Error(), m)
			}
		})
	}
	_, err := flow.ParsePort("zzzzzzzz")
	assert.NotContains(t, err.Error(), "did you mean", "nothing close, nothing suggested")
}

func TestParsePortSet(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"ssh,80,8000-8100", "22,80,8000-8100"},
		{"https,mysql", "443,3306"},
		{"HTTPS, MySQL", "443,3306"},
		{"netbios", "137-139"},
		{"netbios,netbios-ssn", "137-139"},
		{"ssh-http", "22-80"},
		{"ssh-80", "22-80"},
		{"22-http", "22-80"},
		{"http-alt", "8080"},
		{"http-http-alt", "80-8080"},
		{"netbios-ns-netbios-ssn", "137-139"},
		{"none", "none"},
		{"None", "none"},
		{"0-65535", "0-65535"},
		{" ssh , rdp ", "22,3389"},
	}
	for _, tt := range tests {
		t.Run(tt.in+" reads as "+tt.want, func(t *testing.T) {
			got, err := flow.ParsePortSet(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got.String())
		})
	}
}

func TestParsePortSetErrors(t *testing.T) {
	tests := []struct {
		in      string
		unknown bool
		msg     []string
	}{
		{"", false, []string{"empty text"}},
		{"ssh,htps", true, []string{`in port set "ssh,htps"`, `port "htps"`, "https"}},
		{"http-ssh", false, []string{`port "http-ssh"`, "start 80 is above end 22"}},
		{"22,", false, []string{`in port set "22,"`, `port ""`}},
		{"1-2-3", false, []string{`"1-2-3"`}},
		{"ssh-bogus", true, []string{`port "bogus"`}},
		{"netbios-445", false, []string{`port "netbios"`, "137-139"}},
		{"22-70000", false, []string{`port "70000"`}},
	}
	for _, tt := range tests {
		t.Run(tt.in+" is rejected", func(t *testing.T) {
			_, err := flow.ParsePortSet(tt.in)
			require.Error(t, err)
			require.ErrorIs(t, err, flow.ErrRange)
			assert.Equal(t, tt.unknown, errors.Is(err, flow.ErrService))
			for _, m := range tt.msg {
				assert.Contains(t, err.Error(), m)
			}
		})
	}
}

func TestParsePortSetReadsWhatParseSetReads(t *testing.T) {
	for _, s := range []string{"22", "22,80,1024-65535", "none", "80, 22", "0-0", "443,443,1-500"} {
		want, err := flow.ParseSet[uint16](s)
		require.NoError(t, err)
		got, err := flow.ParsePortSet(s)
		require.NoError(t, err)
		assert.True(t, want.Equal(got), "%q: %v, want %v", s, got, want)
	}
}

func TestServiceName(t *testing.T) {
	tests := []struct {
		port uint16
		want string
	}{
		{22, "ssh"}, {53, "dns"}, {137, "netbios-ns"}, {138, "netbios-dgm"}, {139, "netbios-ssn"},
		{443, "https"}, {445, "smb"}, {465, "smtps"}, {3389, "rdp"}, {5432, "postgresql"},
		{5800, "vnc-http"}, {5900, "vnc"}, {6443, "kubernetes-api"}, {0, ""}, {50000, ""},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, flow.ServiceName(tt.port), "port %d", tt.port)
	}
}

func TestServicesTable(t *testing.T) {
	ss := flow.Services()
	require.NotEmpty(t, ss)
	seen := map[string]bool{}
	for i, s := range ss {
		t.Run(s.Name+" is a sound entry", func(t *testing.T) {
			assert.False(t, s.Ports.IsEmpty())
			assert.NotEmpty(t, s.Protocols)
			for _, p := range s.Protocols {
				assert.Contains(t, []flow.Protocol{flow.TCP, flow.UDP}, p)
			}
			if i > 0 {
				assert.LessOrEqual(t, ss[i-1].Ports.Lo, s.Ports.Lo, "the table is in port order")
			}
			for _, n := range append([]string{s.Name}, s.Aliases...) {
				assert.False(t, seen[n], "%s is in the table once", n)
				seen[n] = true
				set, err := flow.ParsePortSet(n)
				require.NoError(t, err)
				assert.True(t, set.Equal(flow.SetOf(s.Ports)), "%s reads as its ports", n)
			}
			if s.Ports.Lo == s.Ports.Hi {
				name := flow.ServiceName(s.Ports.Lo)
				got, err := flow.ParsePort(name)
				require.NoError(t, err)
				assert.Equal(t, s.Ports.Lo, got, "the preferred name reads back")
			}
		})
	}
	ss[0].Aliases = append(ss[0].Aliases, "changed")
	ss[0].Protocols[0] = flow.ICMP
	again := flow.Services()
	assert.NotContains(t, again[0].Aliases, "changed", "Services returns copies")
	assert.Equal(t, flow.TCP, again[0].Protocols[0], "Services returns copies")
	assert.True(t, slices.ContainsFunc(again, func(s flow.Service) bool {
		return s.Name == "dns" && slices.Equal(s.Protocols, []flow.Protocol{flow.TCP, flow.UDP})
	}), "dns runs over tcp and udp")
}

// FuzzParsePortSet: whatever ParsePortSet accepts prints (String) to a
// text it reads again as the same set, and every single port of that set
// reads through ParsePort; whatever ParseSet accepts, ParsePortSet reads
// to the same set; whatever it rejects wraps ErrRange.
func FuzzParsePortSet(f *testing.F) {
	for _, s := range []string{"ssh,80,8000-8100", "https,mysql", "netbios", "ssh-http", "none", "HTTP-ALT", "htps", "1-2-3", "http-ssh", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		set, err := flow.ParsePortSet(s)
		if plain, perr := flow.ParseSet[uint16](s); perr == nil {
			require.NoError(t, err, "ParseSet reads %q", s)
			require.True(t, plain.Equal(set), "%q: ParsePortSet %v, ParseSet %v", s, set, plain)
		}
		if err != nil {
			require.ErrorIs(t, err, flow.ErrRange)
			return
		}
		back, err := flow.ParsePortSet(set.String())
		require.NoError(t, err, "%q prints as %q", s, set.String())
		require.True(t, set.Equal(back), "%q: %v, then %v", s, set, back)
		for _, r := range set.Ranges() {
			if name := flow.ServiceName(r.Lo); name != "" {
				p, err := flow.ParsePort(name)
				require.NoError(t, err)
				require.Equal(t, r.Lo, p)
			}
		}
	})
}

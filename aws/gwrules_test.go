package aws_test

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

// addSecondary gives eni-web1 the secondary private address 10.0.1.11,
// with the public address pub when it is not "", in both files that list
// the interface.
func addSecondary(t *testing.T, fsys fstest.MapFS, pub string) {
	entry := map[string]any{"PrivateIpAddress": "10.0.1.11", "Primary": false}
	if pub != "" {
		entry["Association"] = map[string]any{"PublicIp": pub}
	}
	add := func(v any) {
		e := v.(map[string]any)
		if e["NetworkInterfaceId"] == "eni-web1" {
			e["PrivateIpAddresses"] = append(e["PrivateIpAddresses"].([]any), entry)
		}
	}
	loadEdit(t, fsys, "aws/network-interfaces.json", func(doc map[string]any) {
		for _, e := range doc["NetworkInterfaces"].([]any) {
			add(e)
		}
	})
	loadEdit(t, fsys, "aws/instances.json", func(doc map[string]any) {
		for _, r := range doc["Reservations"].([]any) {
			for _, in := range loadObj(r)["Instances"].([]any) {
				for _, e := range loadObj(in)["NetworkInterfaces"].([]any) {
					add(e)
				}
			}
		}
	})
}

func addresses(body string) *fstest.MapFile {
	return &fstest.MapFile{Data: []byte(`{"Addresses": [` + body + `]}`)}
}

const eipSecondary = `{"PublicIp": "203.0.113.11", "AllocationId": "eipalloc-1", "AssociationId": "eipassoc-1", "Domain": "vpc",
	"NetworkInterfaceId": "eni-web1", "PrivateIpAddress": "10.0.1.11"}`

// igwReason is the reason of the first internet gateway hop of the leg.
func igwReason(hops []reach.Hop) string {
	for _, h := range hops {
		if h.Kind == reach.KindInternetGateway {
			return h.Reason()
		}
	}
	return ""
}

func TestLoadElasticIPOnASecondaryPrivateAddress(t *testing.T) {
	for _, tt := range []struct {
		name  string
		edit  func(t *testing.T, fsys fstest.MapFS)
		works bool
	}{
		{"in the interface's PrivateIpAddresses[].Association", func(t *testing.T, fsys fstest.MapFS) { addSecondary(t, fsys, "203.0.113.11") }, true},
		{"in describe-addresses", func(t *testing.T, fsys fstest.MapFS) {
			addSecondary(t, fsys, "")
			fsys["aws/addresses.json"] = addresses(eipSecondary)
		}, true},
		{"in both, agreeing", func(t *testing.T, fsys fstest.MapFS) {
			addSecondary(t, fsys, "203.0.113.11")
			fsys["aws/addresses.json"] = addresses(eipSecondary)
		}, true},
		{"nowhere", func(t *testing.T, fsys fstest.MapFS) { addSecondary(t, fsys, "") }, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fsys := loadSampleFS(t)
			tt.edit(t, fsys)
			m, rep, err := aws.LoadFS(fsys, "aws")
			require.NoError(t, err)
			for _, w := range rep.Warnings {
				assert.NotContains(t, w, "left out: reachsim maps one public IPv4 address")
			}
			out, err := m.CheckFlow(flow.Flow{Protocol: flow.TCP, Src: netip.MustParseAddrPort("10.0.1.11:40000"), Dst: netip.MustParseAddrPort("93.184.216.34:443")})
			require.NoError(t, err)
			in, err := m.CheckFlow(flow.Flow{Protocol: flow.TCP, Src: netip.MustParseAddrPort("198.51.100.7:40000"), Dst: netip.MustParseAddrPort("203.0.113.11:443")})
			if !tt.works {
				assert.Contains(t, igwReason(out.Forward), "has no public IPv4 address")
				assert.Contains(t, err.Error(), "203.0.113.11", "no one holds it") // an internet host cannot be the destination of a query from the internet
				return
			}
			require.NoError(t, err)
			assert.Equal(t, "source 10.0.1.11 translated to its public address 203.0.113.11", igwReason(out.Forward))
			assert.Equal(t, "destination 203.0.113.11 translated to 10.0.1.11", igwReason(in.Forward))
		})
	}
}

func TestLoadElasticIPErrors(t *testing.T) {
	for _, tt := range []struct {
		name, body, want string
	}{
		{"a different public address for the primary", `{"PublicIp": "203.0.113.99", "NetworkInterfaceId": "eni-web1", "PrivateIpAddress": "10.0.1.10"}`,
			`aws/addresses.json: Addresses[0].PublicIp (eni-web1): "203.0.113.99": invalid AWS CLI output: Elastic IP of 10.0.1.10 on eni-web1, whose interface says its public address is 203.0.113.10`},
		{"not an address", `{"PublicIp": "203.0.113.300", "NetworkInterfaceId": "eni-web1", "PrivateIpAddress": "10.0.1.10"}`,
			`aws/addresses.json: Addresses[0].PublicIp (203.0.113.300): "203.0.113.300": invalid AWS CLI output: not an IP address`},
		{"no private address", `{"PublicIp": "203.0.113.12", "AllocationId": "eipalloc-2", "NetworkInterfaceId": "eni-web1"}`,
			`aws/addresses.json: Addresses[0].PrivateIpAddress (eipalloc-2): invalid AWS CLI output: PrivateIpAddress is missing`},
		{"listed twice", `{"PublicIp": "203.0.113.12"}, {"PublicIp": "203.0.113.12"}`, `Elastic IP 203.0.113.12 is listed twice`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fsys := loadSampleFS(t)
			fsys["aws/addresses.json"] = addresses(tt.body)
			_, _, err := aws.LoadFS(fsys, "aws")
			require.ErrorIs(t, err, aws.ErrInvalidDump)
			assert.ErrorContains(t, err, tt.want)
		})
	}
	t.Run("an interface the input does not hold is a warning, and holds the address", func(t *testing.T) {
		fsys := loadSampleFS(t)
		fsys["aws/addresses.json"] = addresses(`{"PublicIp": "203.0.113.12", "NetworkInterfaceId": "eni-gone", "PrivateIpAddress": "10.0.1.12"}`)
		m, rep, err := aws.LoadFS(fsys, "aws")
		require.NoError(t, err)
		assert.Contains(t, strings.Join(rep.Warnings, "\n"), "aws/addresses.json: Addresses[0].PublicIp: Elastic IP 203.0.113.12 is associated with network interface eni-gone, which the model does not hold (not in the input, or left out): a packet for the address is undecided")
		owner, ok := m.Owner(netip.MustParseAddr("203.0.113.12"))
		assert.True(t, ok, "AWS delivers a packet for it to eni-gone: no internet host")
		assert.Equal(t, "eni-gone", owner)
	})
}

func TestLoadBlockPublicAccess(t *testing.T) {
	const options = `{"VpcBlockPublicAccessOptions": {"AwsAccountId": "111122223333", "AwsRegion": "us-east-1", "State": "update-complete", "InternetGatewayBlockMode": "%s", "ExclusionsAllowed": "allowed"}}`
	const exclusion = `{"VpcBlockPublicAccessExclusions": [{"ExclusionId": "vpcbpa-exclude-1", "InternetGatewayExclusionMode": "%s",
		"ResourceArn": "arn:aws:ec2:us-east-1:111122223333:%s", "State": "%s"}]}`
	file := func(format string, args ...any) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte(strings.ReplaceAll(fmt.Sprintf(format, args...), "\n", ""))}
	}
	bpa := func(r *reach.Result) bool {
		return strings.Contains(strings.Join(codes(r), " "), string(reach.VPCBlockPublicAccess))
	}
	for _, tt := range []struct {
		name    string
		files   map[string]*fstest.MapFile
		vpcMode string
		blocked bool
		warn    string
	}{
		{"no Block Public Access", nil, "", false, ""},
		{"block-bidirectional", map[string]*fstest.MapFile{"aws/bpa.json": file(options, "block-bidirectional")}, "", true, ""},
		{"block-ingress", map[string]*fstest.MapFile{"aws/bpa.json": file(options, "block-ingress")}, "", true, ""},
		{"the VPC's BlockPublicAccessStates alone", nil, "block-ingress", true, ""},
		{"the subnet excluded", map[string]*fstest.MapFile{"aws/bpa.json": file(options, "block-bidirectional"),
			"aws/bpa-exclusions.json": file(exclusion, "allow-bidirectional", "subnet/subnet-public", "create-complete")}, "", false, ""},
		{"the VPC excluded", map[string]*fstest.MapFile{"aws/bpa.json": file(options, "block-bidirectional"),
			"aws/bpa-exclusions.json": file(exclusion, "allow-bidirectional", "vpc/vpc-demo", "update-complete")}, "", false, ""},
		{"an exclusion being deleted", map[string]*fstest.MapFile{"aws/bpa.json": file(options, "block-bidirectional"),
			"aws/bpa-exclusions.json": file(exclusion, "allow-bidirectional", "vpc/vpc-demo", "delete-in-progress")}, "", true,
			"aws/bpa-exclusions.json: VpcBlockPublicAccessExclusions[0].State: exclusion vpcbpa-exclude-1 is delete-in-progress: left out"},
		{"an exclusion of a VPC not in the input", map[string]*fstest.MapFile{"aws/bpa.json": file(options, "block-bidirectional"),
			"aws/bpa-exclusions.json": file(exclusion, "allow-bidirectional", "vpc/vpc-other", "create-complete")}, "", true,
			"aws/bpa-exclusions.json: VpcBlockPublicAccessExclusions[0]: exclusion vpcbpa-exclude-1: vpc-other is not in the input: left out"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fsys := loadSampleFS(t)
			for k, v := range tt.files {
				fsys[k] = v
			}
			if tt.vpcMode != "" {
				loadEdit(t, fsys, "aws/vpcs.json", func(doc map[string]any) {
					loadObj(doc, "Vpcs", 0)["BlockPublicAccessStates"] = map[string]any{"InternetGatewayBlockMode": tt.vpcMode}
				})
			}
			m, rep, err := aws.LoadFS(fsys, "aws")
			require.NoError(t, err)
			r, err := m.CheckFlow(flow.Flow{Protocol: flow.TCP, Src: netip.MustParseAddrPort("198.51.100.7:40000"), Dst: netip.MustParseAddrPort("203.0.113.10:443")})
			require.NoError(t, err)
			assert.Equal(t, tt.blocked, bpa(r), r.Text())
			if tt.warn != "" {
				assert.Contains(t, rep.Warnings, tt.warn)
			}
		})
	}
	for _, tt := range []struct{ name, doc, want string }{
		{"an unknown mode", fmt.Sprintf(options, "block-some"), `VpcBlockPublicAccessOptions.InternetGatewayBlockMode: "block-some": invalid AWS CLI output: unknown Block Public Access mode`},
		{"an unknown exclusion mode", fmt.Sprintf(exclusion, "allow-some", "vpc/vpc-demo", "create-complete"), `VpcBlockPublicAccessExclusions[0].InternetGatewayExclusionMode (vpcbpa-exclude-1): "allow-some": invalid AWS CLI output: unknown exclusion mode`},
		{"an ARN of something else", fmt.Sprintf(exclusion, "allow-egress", "instance/i-1", "create-complete"), `VpcBlockPublicAccessExclusions[0].ResourceArn (vpcbpa-exclude-1): "arn:aws:ec2:us-east-1:111122223333:instance/i-1": invalid AWS CLI output: not the ARN of a VPC or a subnet`},
		{"no mode", `{"VpcBlockPublicAccessOptions": {"State": "default-state"}}`, `VpcBlockPublicAccessOptions.InternetGatewayBlockMode: invalid AWS CLI output: InternetGatewayBlockMode is missing`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fsys := loadSampleFS(t)
			fsys["aws/bpa.json"] = &fstest.MapFile{Data: []byte(strings.ReplaceAll(tt.doc, "\n", ""))}
			_, _, err := aws.LoadFS(fsys, "aws")
			require.ErrorIs(t, err, aws.ErrInvalidDump)
			assert.ErrorContains(t, err, "aws/bpa.json: "+tt.want)
		})
	}
}

func codes(r *reach.Result) []string {
	var out []string
	for _, c := range r.Codes() {
		out = append(out, string(c))
	}
	return out
}

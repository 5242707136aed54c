package aws_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/internal/memlimit"
	"github.com/reachsim/reachsim/reach"
)

// benchDump is a deterministic generator of a realistic AWS account, in
// the files aws.Load reads, with every command's output as the AWS CLI
// prints it (indented by four spaces). The account has one VPC per 1,000
// interfaces (10.k.0.0/16), each with one subnet per 20 interfaces (a
// /24 each), each subnet with its own network ACL (20 entries) and route
// table (3 routes), a default ACL and a main route table per VPC, an
// internet gateway per VPC, one security group per two interfaces (6
// inbound rules, CIDRs and references to other groups of the VPC, and 2
// outbound ones), each interface in one to three groups and on a running
// instance of its own; interfaces are in both describe-instances and
// describe-network-interfaces, groups in both describe-security-groups
// and describe-security-group-rules. At 1,000 interfaces it is the dump
// BenchmarkLoad has measured since it was written (50 subnets, 500 groups).
type benchDump struct {
	ifaces int
	files  map[string][]byte
}

// benchPerVPC is the number of interfaces of one VPC.
const benchPerVPC = 1000

func newBenchDump(ifaces int) benchDump {
	const owner = "111122223333"
	sgID := func(g int) string { return fmt.Sprintf("sg-%017x", g+1) }
	subnetID := func(s int) string { return fmt.Sprintf("subnet-%017x", s+1) }
	tags := func(name string) []any { return []any{map[string]any{"Key": "Name", "Value": name}} }
	var vpcs, subnets, acls, tables, igws, groups, rules, enis, reservations []any
	sub, grp, iface := 0, 0, 0 // the first subnet, group and interface of the VPC
	for v := 0; iface < ifaces; v++ {
		n := min(benchPerVPC, ifaces-iface)
		nSubnets, nGroups := max(1, n/20), max(1, n/2)
		vpc := fmt.Sprintf("vpc-0bench%012x", v+1)
		igw := fmt.Sprintf("igw-0bench%012x", v+1)
		vpcs = append(vpcs, map[string]any{"VpcId": vpc, "CidrBlock": fmt.Sprintf("10.%d.0.0/16", v), "State": "available", "OwnerId": owner,
			"CidrBlockAssociationSet": []any{map[string]any{"CidrBlock": fmt.Sprintf("10.%d.0.0/16", v), "CidrBlockState": map[string]any{"State": "associated"}}}, "Tags": tags(fmt.Sprintf("bench-%d", v))})
		acls = append(acls, map[string]any{"NetworkAclId": fmt.Sprintf("acl-0bench%012x", v), "VpcId": vpc, "IsDefault": true, "Associations": []any{}, "Entries": []any{
			map[string]any{"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": false, "CidrBlock": "0.0.0.0/0"},
			map[string]any{"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": true, "CidrBlock": "0.0.0.0/0"},
			map[string]any{"RuleNumber": 32767, "Protocol": "-1", "RuleAction": "deny", "Egress": false, "CidrBlock": "0.0.0.0/0"},
			map[string]any{"RuleNumber": 32767, "Protocol": "-1", "RuleAction": "deny", "Egress": true, "CidrBlock": "0.0.0.0/0"}}})
		mainRT := fmt.Sprintf("rtb-0bench%012x", v)
		tables = append(tables, map[string]any{"RouteTableId": mainRT, "VpcId": vpc, "Tags": tags("main"),
			"Associations": []any{map[string]any{"Main": true, "RouteTableId": mainRT, "AssociationState": map[string]any{"State": "associated"}}},
			"Routes":       []any{map[string]any{"DestinationCidrBlock": fmt.Sprintf("10.%d.0.0/16", v), "GatewayId": "local", "State": "active"}}})
		igws = append(igws, map[string]any{"InternetGatewayId": igw, "Attachments": []any{map[string]any{"State": "available", "VpcId": vpc}}})
		for s := range nSubnets {
			id := subnetID(sub + s)
			subnets = append(subnets, map[string]any{"SubnetId": id, "VpcId": vpc, "CidrBlock": fmt.Sprintf("10.%d.%d.0/24", v, s), "State": "available",
				"AvailabilityZone": "us-east-1a", "Tags": tags(fmt.Sprintf("bench-%d", sub+s))})
			var entries []any
			for k := range 10 {
				cidr := fmt.Sprintf("10.%d.%d.0/24", v, (s+k)%nSubnets)
				entries = append(entries,
					map[string]any{"RuleNumber": 100 + 10*k, "Protocol": "6", "RuleAction": "allow", "Egress": false, "CidrBlock": cidr, "PortRange": map[string]any{"From": 1024 + k, "To": 65535}},
					map[string]any{"RuleNumber": 100 + 10*k, "Protocol": "-1", "RuleAction": "allow", "Egress": true, "CidrBlock": cidr})
			}
			acl := fmt.Sprintf("acl-%017x", sub+s+1)
			acls = append(acls, map[string]any{"NetworkAclId": acl, "VpcId": vpc, "IsDefault": false, "Entries": entries,
				"Associations": []any{map[string]any{"NetworkAclAssociationId": fmt.Sprintf("aclassoc-%017x", sub+s+1), "NetworkAclId": acl, "SubnetId": id}}})
			rtb := fmt.Sprintf("rtb-%017x", sub+s+1)
			tables = append(tables, map[string]any{"RouteTableId": rtb, "VpcId": vpc, "Tags": tags(fmt.Sprintf("bench-%d", sub+s)),
				"Associations": []any{map[string]any{"Main": false, "RouteTableId": rtb, "SubnetId": id, "AssociationState": map[string]any{"State": "associated"}}},
				"Routes": []any{
					map[string]any{"DestinationCidrBlock": fmt.Sprintf("10.%d.0.0/16", v), "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"},
					map[string]any{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": igw, "Origin": "CreateRoute", "State": "active"},
					map[string]any{"DestinationCidrBlock": "172.16.0.0/12", "NetworkInterfaceId": fmt.Sprintf("eni-%017x", iface+1), "Origin": "CreateRoute", "State": "active"}}})
		}
		for g := range nGroups {
			id := sgID(grp + g)
			var in, rin []any
			for r := range 6 {
				if r%3 == 2 {
					ref := sgID(grp + (g+r*37)%nGroups)
					in = append(in, map[string]any{"IpProtocol": "tcp", "FromPort": 8000 + r, "ToPort": 8000 + r, "IpRanges": []any{}, "Ipv6Ranges": []any{}, "PrefixListIds": []any{},
						"UserIdGroupPairs": []any{map[string]any{"GroupId": ref, "UserId": owner}}})
					rin = append(rin, map[string]any{"ReferencedGroupInfo": map[string]any{"GroupId": ref, "UserId": owner}, "FromPort": 8000 + r, "ToPort": 8000 + r})
					continue
				}
				cidr := fmt.Sprintf("10.%d.%d.0/24", r, g%256)
				in = append(in, map[string]any{"IpProtocol": "tcp", "FromPort": 22 + r, "ToPort": 22 + r, "IpRanges": []any{map[string]any{"CidrIp": cidr}},
					"Ipv6Ranges": []any{}, "PrefixListIds": []any{}, "UserIdGroupPairs": []any{}})
				rin = append(rin, map[string]any{"CidrIpv4": cidr, "FromPort": 22 + r, "ToPort": 22 + r})
			}
			out := []any{
				map[string]any{"IpProtocol": "-1", "IpRanges": []any{map[string]any{"CidrIp": "0.0.0.0/0"}}, "Ipv6Ranges": []any{}, "PrefixListIds": []any{}, "UserIdGroupPairs": []any{}},
				map[string]any{"IpProtocol": "udp", "FromPort": 53, "ToPort": 53, "IpRanges": []any{map[string]any{"CidrIp": fmt.Sprintf("10.%d.0.2/32", v)}}, "Ipv6Ranges": []any{}, "PrefixListIds": []any{}, "UserIdGroupPairs": []any{}},
			}
			groups = append(groups, map[string]any{"GroupId": id, "GroupName": fmt.Sprintf("bench-%d", grp+g), "Description": "bench", "VpcId": vpc, "OwnerId": owner,
				"IpPermissions": in, "IpPermissionsEgress": out})
			for r, rule := range rin {
				m := rule.(map[string]any)
				m["SecurityGroupRuleId"], m["GroupId"], m["GroupOwnerId"], m["IsEgress"], m["IpProtocol"] = fmt.Sprintf("sgr-%08x%08x0", grp+g, r), id, owner, false, "tcp"
				rules = append(rules, m)
			}
			rules = append(rules,
				map[string]any{"SecurityGroupRuleId": fmt.Sprintf("sgr-%08x%08x1", grp+g, 100), "GroupId": id, "GroupOwnerId": owner, "IsEgress": true, "IpProtocol": "-1", "FromPort": -1, "ToPort": -1, "CidrIpv4": "0.0.0.0/0"},
				map[string]any{"SecurityGroupRuleId": fmt.Sprintf("sgr-%08x%08x1", grp+g, 101), "GroupId": id, "GroupOwnerId": owner, "IsEgress": true, "IpProtocol": "udp", "FromPort": 53, "ToPort": 53, "CidrIpv4": fmt.Sprintf("10.%d.0.2/32", v)})
		}
		for i := range n {
			s := i % nSubnets
			ip := fmt.Sprintf("10.%d.%d.%d", v, s, 10+i/nSubnets)
			var gs []any
			for k := range 1 + i%3 {
				gs = append(gs, map[string]any{"GroupId": sgID(grp + (i*7+k*131)%nGroups), "GroupName": "bench"})
			}
			eni := fmt.Sprintf("eni-%017x", iface+i+1)
			inst := fmt.Sprintf("i-%017x", iface+i+1)
			ni := map[string]any{"NetworkInterfaceId": eni, "SubnetId": subnetID(sub + s), "VpcId": vpc, "Status": "in-use", "InterfaceType": "interface",
				"PrivateIpAddress": ip, "PrivateIpAddresses": []any{map[string]any{"Primary": true, "PrivateIpAddress": ip}}, "Ipv6Addresses": []any{},
				"Groups": gs, "SourceDestCheck": i != 0,
				"Attachment": map[string]any{"InstanceId": inst, "DeviceIndex": 0, "Status": "attached", "AttachmentId": "eni-attach-" + eni[4:]}}
			enis = append(enis, ni)
			reservations = append(reservations, map[string]any{"ReservationId": fmt.Sprintf("r-%017x", iface+i+1), "OwnerId": owner, "Groups": []any{},
				"Instances": []any{map[string]any{"InstanceId": inst, "State": map[string]any{"Code": 16, "Name": "running"}, "SubnetId": subnetID(sub + s), "VpcId": vpc,
					"PrivateIpAddress": ip, "Tags": tags(fmt.Sprintf("host-%d", iface+i)), "NetworkInterfaces": []any{ni}}}})
		}
		sub, grp, iface = sub+nSubnets, grp+nGroups, iface+n
	}
	d := benchDump{ifaces: ifaces, files: map[string][]byte{}}
	for name, doc := range map[string]any{
		"vpcs.json": map[string]any{"Vpcs": vpcs}, "subnets.json": map[string]any{"Subnets": subnets},
		"network-acls.json": map[string]any{"NetworkAcls": acls}, "route-tables.json": map[string]any{"RouteTables": tables},
		"internet-gateways.json": map[string]any{"InternetGateways": igws}, "security-groups.json": map[string]any{"SecurityGroups": groups},
		"security-group-rules.json": map[string]any{"SecurityGroupRules": rules}, "network-interfaces.json": map[string]any{"NetworkInterfaces": enis},
		"instances.json": map[string]any{"Reservations": reservations},
	} {
		data, err := json.MarshalIndent(doc, "", "    ")
		if err != nil {
			panic(err)
		}
		d.files[name] = data
	}
	return d
}

// size is the number of bytes of the dump's files.
func (d benchDump) size() int64 {
	n := int64(0)
	for _, data := range d.files {
		n += int64(len(data))
	}
	return n
}

// write writes the dump's files to dir.
func (d benchDump) write(tb testing.TB, dir string) {
	tb.Helper()
	for name, data := range d.files {
		require.NoError(tb, os.WriteFile(filepath.Join(dir, name), data, 0o644))
	}
}

func TestBenchDumpLoads(t *testing.T) {
	for _, n := range []int{1, 20, 1000, 2500} {
		t.Run(fmt.Sprintf("ifaces=%d", n), func(t *testing.T) {
			d := newBenchDump(n)
			dir := t.TempDir()
			d.write(t, dir)
			m, rep, err := aws.Load(dir)
			require.NoError(t, err)
			require.Empty(t, rep.Warnings)
			require.Equal(t, n, rep.Counts["network-interfaces"])
			require.Equal(t, n, rep.Counts["instances"])
			require.Equal(t, max(1, n/2), rep.Counts["security-groups"])
			if n > 1 { // one interface: no session but to itself, a query error
				_, err = m.Check(reach.Query{From: "host-0", To: fmt.Sprintf("host-%d", n-1), Protocol: 6, Port: 22})
				require.NoError(t, err)
			}
		})
	}
}

// peakHeap runs f and returns the high-water mark of the heap's objects
// (live and not yet swept), sampled every 100 µs, above what they were
// after collections before f.
func peakHeap(f func()) uint64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 {
		metrics.Read(sample)
		return sample[0].Value.Uint64()
	}
	// Two collections: the first moves the pools' contents (the
	// encoder's buffers of newBenchDump, 34 MB on 20,000 interfaces) to
	// their victim caches, the second frees them. With one, they counted
	// in the base and, freed during the load, hid as much of its peak.
	// The second (debug.FreeOSMemory's) also returns the free heap to the
	// system, as in a process that has loaded nothing yet: a soft memory
	// limit set in f (memlimit.During) bounds what the runtime holds,
	// free heap included.
	runtime.GC()
	debug.FreeOSMemory()
	base := read()
	var peak atomic.Uint64
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(100 * time.Microsecond)
		defer t.Stop()
		for {
			if h := read(); h > peak.Load() {
				peak.Store(h)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	f()
	if h := read(); h > peak.Load() {
		peak.Store(h)
	}
	close(done)
	<-stopped
	return max(peak.Load(), base) - base
}

// BenchmarkLoad loads generated dumps (see benchDump) from files with
// aws.Load. Besides time and allocations it reports the CPU time of a
// load on every core, the garbage collector's included (cpu-s/op, where
// the system says: a steadier figure than the time on a shared machine),
// the input's size (input-MB) and the heap's high-water mark during one load above the
// heap before it (peak-heap-MB), and their ratio (peak/input); then the
// ratio and the time of one load as reachsim loads, under a soft memory
// limit of twice the input's size (bounded-peak/input, bounded-s: see
// internal/memlimit). The collector's default pace lets the heap grow to
// about twice the live data before it runs; the live data peaks near the
// input's size, so peak/input moves between about 1.6 and 2.4 with the
// collector's timing, and the limit holds bounded-peak/input under 2.
func BenchmarkLoad(b *testing.B) {
	for _, n := range []int{1000, 20000} {
		b.Run(fmt.Sprintf("ifaces=%d", n), func(b *testing.B) {
			if n > 1000 && testing.Short() {
				b.Skip("the dump of 20,000 interfaces is skipped under -short")
			}
			dir := b.TempDir()
			d := newBenchDump(n)
			d.write(b, dir)
			size := d.size()
			d = benchDump{}
			peak := peakHeap(func() {
				if _, _, err := aws.Load(dir); err != nil {
					b.Fatal(err)
				}
			})
			// as reachsim loads: under a soft memory limit of twice the
			// input's size above what the runtime holds (internal/memlimit)
			var boundedTime time.Duration
			bounded := peakHeap(func() {
				defer memlimit.During(2 * size)()
				start := time.Now()
				if _, _, err := aws.Load(dir); err != nil {
					b.Fatal(err)
				}
				boundedTime = time.Since(start)
			})
			b.SetBytes(size)
			b.ReportAllocs()
			cpu := cpuTime()
			for b.Loop() {
				if _, _, err := aws.Load(dir); err != nil {
					b.Fatal(err)
				}
			}
			if cpu := cpuTime() - cpu; cpu > 0 {
				b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
			}
			b.ReportMetric(float64(size)/1e6, "input-MB")
			b.ReportMetric(float64(peak)/1e6, "peak-heap-MB")
			b.ReportMetric(float64(peak)/float64(size), "peak/input")
			b.ReportMetric(float64(bounded)/float64(size), "bounded-peak/input")
			b.ReportMetric(boundedTime.Seconds(), "bounded-s")
		})
	}
}

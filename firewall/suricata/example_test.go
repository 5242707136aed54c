package suricata_test

import (
	"fmt"

	"github.com/reachsim/reachsim/firewall/suricata"
)

func ExampleParse() {
	r, err := suricata.Parse(`pass tls $HOME_NET any -> [!10.0.0.0/8, @PARTNERS] 443 (msg:"Allow example.com"; tls.sni; content:"example.com"; nocase; flow:to_server, established; sid:1001; rev:2;)`)
	if err != nil {
		panic(err)
	}
	fmt.Println("action:", r.Action)
	fmt.Println("protocol:", r.Protocol)
	fmt.Println("source:", r.Src, r.SrcPorts)
	fmt.Println("destination:", r.Dst, r.DstPorts)
	fmt.Println("sid:", r.Sid(), "msg:", r.Msg())
	for _, o := range r.Options {
		fmt.Printf("  %-8s %q quoted=%v\n", o.Keyword, o.Value, o.Quoted)
	}
	// Output:
	// action: pass
	// protocol: tls
	// source: $HOME_NET any
	// destination: [!10.0.0.0/8,@PARTNERS] 443
	// sid: 1001 msg: Allow example.com
	//   msg      "Allow example.com" quoted=true
	//   tls.sni  "" quoted=false
	//   content  "example.com" quoted=true
	//   nocase   "" quoted=false
	//   flow     "to_server, established" quoted=false
	//   sid      "1001" quoted=false
	//   rev      "2" quoted=false
}

func ExampleParse_error() {
	_, err := suricata.Parse("drop tcp any any -> any 8000-8080 (sid:7;)")
	fmt.Println(err)
	// Output:
	// (rule sid 7): "drop tcp any any -> any 8000-8080 (sid:7;)": invalid Suricata rule: column 25: invalid port "8000-8080": write a port range as "8000:8080"
}

func ExampleParseRules() {
	rules, err := suricata.ParseRules(`# Allow DNS, drop the rest of UDP.
pass udp $HOME_NET any -> any 53 (msg:"DNS"; sid:1;)

drop udp $HOME_NET any <> any any \
    (msg:"other UDP"; sid:2;)
`)
	if err != nil {
		panic(err)
	}
	for _, r := range rules {
		fmt.Printf("line %d sid %d bidirectional=%v: %s\n", r.Line, r.Sid(), r.Bidirectional, r)
	}
	// Output:
	// line 2 sid 1 bidirectional=false: pass udp $HOME_NET any -> any 53 (msg:"DNS"; sid:1;)
	// line 4 sid 2 bidirectional=true: drop udp $HOME_NET any <> any any (msg:"other UDP"; sid:2;)
}

func ExampleRule_String() {
	r, err := suricata.Parse(`alert  HTTP [10.0.0.1, 10.1.0.0/16]  :1023 -> any [80,8080:] ( MSG : "a \"quoted\"\; word" ; SID:5; )`)
	if err != nil {
		panic(err)
	}
	fmt.Println(r)
	// Output:
	// alert http [10.0.0.1/32,10.1.0.0/16] 0:1023 -> any [80,8080:65535] (msg:"a \"quoted\"\; word"; sid:5;)
}

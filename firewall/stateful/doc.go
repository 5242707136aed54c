// Package stateful is AWS Network Firewall's stateful engine: its rule
// groups in their three AWS forms (a Suricata rules string, standard
// 5-tuple rules, a domain list), the policy's rule order and default
// actions, and the compiled engine that judges sessions.
//
// Contract:
//   - [Compile] checks a [Config] (the stateful half of a firewall
//     policy), resolves every variable and IP set reference, compiles every
//     rule and returns an immutable [Engine], safe for concurrent use;
//     [MustCompile] panics instead. Nothing is left to evaluation time: an
//     unknown $VARIABLE or @REFERENCE is a Compile error, never a silent
//     non-match. An IP set the resolver knows of but whose entries the
//     input does not hold ([*UnknownIPSet], [ErrIPSetUnknown]) is no
//     error: the rules that use it are undecidable where its entries could
//     decide (see Variables). A rule group whose rules the input cannot
//     hold ([RuleGroup].Opaque) is no error either: see Opaque rule groups.
//   - Errors are *[flow.InputError] values naming the group, the rule (its
//     sid) and the Go or AWS path, wrapping [ErrInvalidRule],
//     [ErrInvalidGroup], [ErrInvalidPolicy], [ErrUnresolved] or
//     [suricata.ErrSyntax].
//   - Nothing is guessed: a standard rule without an action, or a TCP or
//     UDP standard rule without ports, is a Compile error that says what is
//     missing.
//   - [Engine.Evaluate] judges a [Session] and returns a [Decision];
//     [Engine.Explain] returns the same Decision with its per-stage trace
//     and Skipped filled; [Engine.Verdict] returns its Verdict and Stage
//     alone, collecting no alerts. None returns an error.
//   - A nil *Engine means "no stateful firewall here": every session is
//     allowed (Verdict Allow, Default true).
//
// # What it models
//
// A session ([Session]) is judged packet by packet ([Stage]): the client's
// opening packet, the server's first reply, then the first data packet in
// each direction, in the order they come (see First speaker). At each
// stage the rules are tried in the policy's order:
//
//   - DEFAULT_ACTION_ORDER: every rule of every group, ranked by action
//     (pass, drop, reject, alert), then by the Suricata priority keyword
//     (lower first; a rule without one counts as 3, Suricata's default;
//     classtype priorities are not modelled), then by the order of the
//     groups in the policy, then by the order of the rules. A matching pass
//     rule passes the whole connection (Suricata stops inspecting the
//     flow), or only this packet for a rule of packet scope (see Action
//     scope); otherwise a matching drop or reject blocks the packet;
//     otherwise the packet passes and the next stage is judged. Alert
//     rules never decide.
//   - STRICT_ORDER: groups by ascending priority, rules as written. The
//     first matching pass, drop or reject decides (pass passes the whole
//     connection, or this packet only: see Action scope); alerts are
//     recorded and evaluation goes on (reachsim's
//     reading of AWS's and Suricata's action semantics). If no rule
//     decides, the default actions apply: aws:drop_strict drops the packet;
//     aws:drop_established drops the client's established TCP packets
//     (DataToServer: the handshake gets through, the client's data does
//     not) and passes the server's (DataToClient), as AWS's developer
//     guide says ("Drops only the packets that are in established
//     connections from client to server ... Packets from established
//     connections from the server to the client are passed", Managing
//     evaluation order for Suricata compatible rules); it drops every
//     UDP, ICMP and other non-TCP packet (AWS's page says both
//     "established once both sides sent" and "drops all packets of
//     connectionless protocols"; reachsim takes the latter).
//     aws:drop_established_app_layer drops established TCP packets both
//     ways (DataToServer, DataToClient), server-sent banners included:
//     tolerating a ClientHello or HTTP header split over several
//     segments lies within a stage, since DataToServer carries the whole
//     first application message, and its dropping of server-sent banners
//     is the order of the data stages (see First speaker). The
//     _to_server variant drops only client-to-server packets. Without a
//     drop default the packet passes and the next stage is judged. A
//     session that passes because no rule decided its last packet names
//     the drop default that did not cover it ([Decision].DropDefault) and
//     the packet rule that passed an earlier one ([Decision].EarlierPass).
//
// # First speaker
//
// A TCP session's data stages are judged in the order their packets come.
// The client speaks first in most protocols (a TLS ClientHello, an HTTP
// request): DataToServer, then DataToClient. The server greets first in
// SMTP (RFC 5321 section 3.1), FTP (RFC 959 section 5.4), POP3 (RFC 1939
// section 4), IMAP (RFC 9051 section 7.1) and RFB (RFC 6143 section
// 7.1.1): DataToClient, then DataToServer, so a default drop of the
// server's packets (aws:drop_established_app_layer, aws:drop_strict),
// with a pass rule for the client's data only, meets the server's
// greeting first (AWS's best-practices guide: the application-layer
// drop-established default drops "server-initiated banners";
// aws:drop_established passes the server's packets, greeting included). In SSH both sides send
// their identification string at once (RFC 4253 section 4.2), and a
// session of no protocol Network Firewall detects ("none": an unlisted
// port, ftp-data, ike) may begin either way: the session is judged in
// both orders. Where they agree, or both deny (on different directions:
// the session fails either way; the Decision is the client-first
// order's, its Undecided listing the doubt, an [Unknown] with Sid 0 and
// Keyword [UnknownFirstSpeaker]), the answer is certain; where they
// differ it is Indeterminate at DataToServer, Indeterminate naming the
// doubt (Why: "which side of the session on tcp/22 sends the first data
// packet: ..."; Rule: what each order gives), on every direction one of
// them denies or leaves undecided. The second order is tried only when
// the client-first one was decided at DataToServer or met an undecidable
// rule: otherwise it cannot change the answer. Every other protocol the
// engine knows is taken as client-first (a stated limit), and the
// protocol comes from the session's App or [DefaultAppProto] as for
// rules (tcp/25 is smtp, tcp/22 ssh).
//
// # Action scope
//
// Suricata applies a matching pass or drop to the whole flow or to the
// packet alone, by the rule's type (docs.suricata.io, "Rule Types and
// Categorization", Action Scope; src/detect-engine-build.c
// SignatureSetType). Each rule gets its scope at [Compile]:
//
//   - Flow scope: ip_only and like_ip_only rules (a layer-3/4 protocol, no
//     option but informational ones, geoip and flowbits set; negated
//     addresses or not), pd_only (app-layer-protocol), app_layer (an
//     application protocol in the header: pass tls ...), app_tx (a sticky
//     buffer or application keyword: tls.sni, http.host, ssl_state,
//     dns.query, ..., whatever their flow keyword), and payload rules
//     (content, pcre, ...) on TCP, which match the reassembled stream.
//   - Packet scope: a rule with a packet keyword (ip_proto, itype, icode,
//     sameip, ttl, dsize, flags, flowbits:isset, a keyword reachsim does
//     not model, geoip beside ports) that is neither app_tx nor a payload
//     rule; a payload rule on a packet of another protocol than TCP; and a
//     rule whose flow keyword makes it a packet rule: flow:established,
//     not_established (any flow option but a direction) for app_layer,
//     pd_only, ip_only and like_ip_only rules, flow:to_server or
//     to_client for ip_only and like_ip_only ones (app_layer and pd_only
//     rules keep their type with a direction alone).
//   - The sources leave two cases apart, and reachsim reads them as flow
//     scope: a standard (5-tuple) rule, whatever its options (AWS's
//     StatefulRule API reference says Network Firewall "discontinues
//     stateful inspection of the traffic flow" for every action of one),
//     and a Suricata tcp or udp rule with ports and no option but
//     informational ones (Suricata types it pkt, but it is the Suricata
//     form of a standard rule). A rule with ports and a flow keyword is a
//     packet rule: AWS's best-practices guide (Network Firewall, customer
//     managed rules, "Why the flow: keyword matters") says such a pass is
//     per packet and inspection goes on.
//
// A matching pass rule of packet scope passes its stage's packet only:
// the stage's default actions do not apply to it, and the next stage is
// judged again from the top (STRICT_ORDER) or by action order; its trace
// Outcome is [OutcomePassPacket]. When a packet rule passed the last stage
// judged, the Decision names it and its [Decision].PacketScope says why
// ("flow keyword", "packet keyword itype"). A drop or reject blocks its
// packet whatever its scope, and with it the connection. So under
// aws:drop_established, AWS's own strict-order egress pattern
//
//	pass tcp $HOME_NET any -> $EXTERNAL_NET 443 (flow:not_established, to_server; sid:1;)
//	pass tcp $EXTERNAL_NET 443 -> $HOME_NET any (flow:not_established, to_client; sid:2;)
//	pass tls $HOME_NET any -> $EXTERNAL_NET 443 (tls.sni; content:"good.com"; startswith; endswith; nocase; flow:to_server; sid:3;)
//
// passes the handshake packet by packet, passes a session to good.com at
// its ClientHello (sid 3, flow scope) and drops the ClientHello of any
// other name. AWS's developer guide ("a pass ... doesn't scan the other
// packets in that flow", Suricata rule evaluation order) says otherwise
// for every pass; reachsim follows Suricata and the best-practices guide.
//
// Only the stages the engine sees are judged: those of the directions
// [Session].ForwardSeen and ReturnSeen name, less the stages in
// [Session].Unseen (packets the stateless engine passed or dropped while
// forwarding others of their direction, such as a SYN forwarded and the
// later segments passed). An unseen stage is not judged: no rule or
// default action passes or drops its packet, and the stages after it are
// judged as if it had passed.
//
// No decision at any stage: the connection is allowed by the engine's pass
// default (Action "", Default true). A reject counts as a drop for
// reachability; its action is reported.
//
// # Matching
//
// A rule matches a stage when its protocol, addresses and ports match the
// stage's packet (for "<>" also with source and destination swapped), and
// its options hold:
//
//   - Protocols: "ip" (and "ipv4", "ipv6") every packet; tcp, udp, icmp
//     (ICMP and ICMPv6), icmpv4, icmpv6 by IP protocol; an application
//     protocol ("tls", "http", "dns", ...) only at stages whose
//     application protocol is known and equal ("http" also matches
//     HTTP/2, "http1" HTTP/1 only; "dcerpc" also matches SMB, which
//     carries DCERPC, as Suricata's AppProtoEquals has it, so "drop
//     dcerpc" drops an smb session, tcp/445 by [DefaultAppProto];
//     "ftp-data" and "ikev2" never match: see Application protocol). A
//     rule with ports other than "any" never matches a packet without
//     ports (ICMP).
//   - flow: established, not_established, stateless, to_server/from_client,
//     to_client/from_server, no_frag, only_frag; ip_proto; itype; icode
//     (values of one byte: Compile refuses one beyond 255, as Suricata does);
//     sameip; app-layer-protocol (a protocol name Suricata knows, an alias
//     ssl, http1 or ikev2, or failed, each maybe negated with "!", maybe
//     followed by a mode: direction, final, original, either, to_server
//     or to_client, all read alike, a session speaking one protocol both
//     ways). Compile refuses, as Suricata 7.0 (Network Firewall's) does in
//     src/detect-app-layer-protocol.c, with ErrInvalidRule naming the
//     rule's sid and the option: a name it does not know, "unknown" (a
//     Suricata 8 name, which refuses it negated) among them; a mode it
//     does not know (tls,bogus); the keyword in a rule that already has
//     an application protocol, from its header (drop http ...) or an
//     earlier tls.sni, http.host or ssl_state; and, among values of one
//     mode, a positive value beside any other, a negated one beside a
//     positive one, or one value twice (two negated values are taken);
//     ssl_state client_hello (the client's first
//     application message: DataToServer for TCP) and server_hello (the
//     server's first: DataToClient for TCP).
//   - tls.sni and http.host sticky buffers with content, nocase, startswith,
//     endswith, depth, offset and the dotprefix, to_lowercase and
//     strip_whitespace transforms. The buffer holds the session's Domain
//     at the client's first application message of a TLS (tls.sni) or
//     HTTP (http.host, lower case) connection, and nothing elsewhere. An
//     empty Domain means the session does not say which SNI or Host the
//     client sends (nor that it sends none): at that message every rule
//     that reads tls.sni (http.host) is undecidable ([Unknown] of Keyword
//     "tls.sni" or "http.host", [Unknown.DomainNotGiven]; Why names the
//     domain as missing), and the worlds below decide: the verdict is
//     certain only where every name, and none, gives the same answer (an
//     ALLOWLIST under aws:drop_established drops an unlisted name either
//     way; a DENYLIST under it drops the session either way; a session
//     not speaking TLS or HTTP never meets those rules), else
//     Indeterminate. The worlds let each such rule match or not on its
//     own, more combinations than names could give: where they disagree
//     only through such a combination the answer is Indeterminate though
//     no name would change it (never a wrong certain answer). No Domain
//     says "no SNI at all". An http.host content with an upper-case letter
//     or with nocase is an [ErrInvalidRule] error, as Suricata refuses
//     such a rule (the buffer is lower case) and Network Firewall with it;
//     tls.sni has no such rule. http.header_names is known to start with
//     "\r\n" (enough for AWS's generated allowlist drop rule).
//   - Informational keywords (sid, msg, rev, gid, classtype, metadata,
//     reference, priority, noalert, alert, target, tag, requires,
//     flowbits/xbits set, unset, toggle and noalert) do not affect
//     matching.
//
// # Domain lists
//
// A domain list group becomes the rules AWS's developer guide lists
// ([RuleGroup.Rules]). Under STRICT_ORDER, an ALLOWLIST's last rules, one
// "drop tls" / "drop http" per target type for the names it does not
// list, are in doubt: AWS's developer guide says "traffic of the
// specified protocol type that doesn't match the domain specifications is
// denied" ("Stateful domain list rule groups in AWS Network Firewall",
// https://docs.aws.amazon.com/network-firewall/latest/developerguide/stateful-rule-groups-domain-names.html),
// while its best-practices guide says strict-order domain list rule
// groups do not generate those drop rules and the drop default is yours
// to set ("Customer managed rules", rule group capacity: domain lists,
// https://aws.github.io/aws-security-services-best-practices/guides/network-firewall/customer-managed-rules/).
// The engine takes each such rule as undecidable where it would match
// ([Unknown] of Keyword [UnknownGeneratedDrop]): with a drop default
// that denies the same packet (aws:drop_established, aws:drop_strict)
// every world drops an unlisted name and the answer is certain (the
// decision names the default, Undecided the rule); without one it is
// Indeterminate, naming the disagreement. An alert the rule becomes under
// DROP_TO_ALERT is not listed (it may not fire). Under
// DEFAULT_ACTION_ORDER the generated drop rules stand.
//
// Anything else that decides whether a rule matches (payload content and
// pcre, other sticky buffers such as dns.query or http.uri, ja3, geoip,
// flowbits:isset, dsize, flags, thresholds, unknown keywords) makes the
// rule undecidable ([Unknown]) at the stages where everything else about
// it matches. Payload keywords never match a TCP SYN or SYN-ACK (they
// carry no payload); application-layer keywords only match where their
// protocol is known. Under STRICT_ORDER an undecidable pass, drop or
// reject reached before any decision may decide; under
// DEFAULT_ACTION_ORDER a definite pass wins over an undecidable one, which
// may win over any drop, and a definite drop wins over an undecidable
// drop. Undecidable alerts never matter.
//
// An undecidable rule decides nothing when every way it could go gives
// the same answer. The engine tries every world: every assignment of
// "matches" or "does not match" to the undecidable pass, drop and reject
// rules the session meets (reaches before a decision, in some world),
// each rule at each stage counted apart (its
// match at one packet says nothing of another's: geoip:src reads the
// client at the request and the server at the reply). When every world
// gives the same verdict, and for a deny on the same direction (package
// firewall puts a deny on the leg of its stage), that verdict is certain:
// the Decision's Undecided lists the rules met, and its other fields
// (Stage, the deciding rule or default, Alerts, Explain's Stages and
// Skipped) describe the world in which none of them matches; Explain's
// Skipped says each "might match (...), but the verdict is the same
// whether it matches or not". So under STRICT_ORDER a lone undecidable
// pass rule without a drop default passes the session either way, and a
// lone undecidable drop rule under aws:drop_strict drops it either way.
// Otherwise (two worlds disagree, or the session meets more than 6 such
// rules, 64 worlds) the verdict is Indeterminate and Indeterminate names
// the first undecidable rule met, which is not always the one whose match
// would change the verdict, nor on the direction it changes:
// [Decision.VerdictOn] puts the Indeterminate on every direction some
// world denies (under aws:drop_established, a pass rule undecidable at
// the SYN-ACK passes the connection or leaves the client's first data
// packet to the default drop: the request direction is Indeterminate, the
// reply allowed in every world), and on every direction judged when the
// worlds are too many to try; [Engine.Verdicts] gives both directions. The worlds are tried only when an undecidable
// rule is met; a session that meets none costs what it did.
//
// # Opaque rule groups
//
// A policy may reference a stateful rule group whose rules the input
// cannot hold: an AWS managed rule group (AWS does not publish the rules
// of its threat signature groups, and no dump holds them), or a customer
// group outside a Terraform plan. Such a group is a [RuleGroup] with
// Opaque set (why its rules are unknown, naming the group) and no rules
// source. Its rules may pass, drop or alert anything, so [Compile] makes
// it three rules that may match any packet at any stage, whatever its
// protocol, addresses and ports, undecidably ([Unknown] of Keyword
// [UnknownOpaqueGroup], Why the group's Opaque): a pass of the flow, a
// pass of the packet alone (packet scope) and a drop (a reject decides
// the same for reachability; an alert decides nothing). They are ranked
// as priority 1 under DEFAULT_ACTION_ORDER (first in their action: a
// world where one does not match is one where it ranks anywhere later),
// and the rules for undecidable rules above apply, worlds included:
//
//   - Under STRICT_ORDER a group of higher priority (lower number) still
//     decides first: a session its pass or drop decides before the
//     opaque group is met keeps its certain answer. A session that meets
//     the group is Indeterminate, naming it, wherever its pass or drop
//     could change the answer (a TCP session meets it at up to four
//     stages, three rules each: more than the worlds tried, so it is
//     Indeterminate on every direction judged).
//   - Under DEFAULT_ACTION_ORDER its pass may beat any drop, and its drop
//     any pass that does not match for certain: a session it meets is
//     Indeterminate unless a definite pass of the flow decides.
//   - DROP_TO_ALERT ([GroupRef].DropToAlert) turns its drop into an
//     alert, as for any group: then it may only pass, and a session that
//     nothing else drops is allowed for certain (where the worlds are
//     few enough to try), while one a drop default or a later drop rule
//     drops is Indeterminate. A drop default applies as usual.
//
// [RuleGroup.Rules] refuses an opaque group (it has no rules to give),
// [Engine.GroupRules] counts none for it, and [Engine.Hidden] never
// reports the rules it stands for.
//
// # Application protocol
//
// Suricata detects a session's application protocol by its content, not
// its port; a [Session]'s flow says it in App ([flow.App]: tls, http,
// ssh, none, ...), or says nothing (flow.AppUnset). Then
// reachsim guesses it from the transport and destination port
// ([DefaultAppProto]: tcp/443 is tls, tcp/80 http, an unlisted port
// none). This is a stated limit: a TLS or HTTP service on an unlisted port
// of a session without a Domain is judged as speaking no application
// protocol, so tls and http rules (domain lists included) do not see it.
//
// A TCP session with a Domain (a TLS SNI or an HTTP Host) speaks TLS or
// HTTP whatever its port. On a port the guess takes for tls or http, that
// is the protocol. On any other port the session does not say which, and
// the engine judges it both ways, as TLS and as HTTP: where the two
// readings give the same verdict (and a deny on the same direction), or
// both a certain Deny (on different directions: the session fails either
// way, though the direction it fails on depends on the protocol), it is
// certain, the decision the TLS reading's, its Undecided listing the
// doubt ([Unknown] with Sid 0 and Keyword [UnknownAppProto]) when the two
// went different ways; where they differ the verdict is Indeterminate at
// DataToServer, Indeterminate naming the doubt (Why: "which application
// protocol the session on tcp/9443 speaks: TLS or HTTP"; Rule: what each
// reading gives), on every direction one of them denies or leaves
// undecided (when both readings are Indeterminate, the TLS reading's
// decision stands, on those directions). A TLS_SNI-only denylist thus
// leaves a listed name on tcp/9443 Indeterminate (dropped as TLS, passed
// as HTTP); one for TLS_SNI and HTTP_HOST drops it for certain.
// Explain's Stages and Skipped hold the TLS reading's trace, then the
// HTTP reading's. A session whose flow names its App, or of another transport,
// is judged as it says.
//
// Network Firewall does not detect two of Suricata's protocols: AWS lists
// "FTP-data protocol detection" and "IKEv2 protocol" among the Suricata
// features it does not support ("Limitations and caveats for stateful
// rules in AWS Network Firewall",
// https://docs.aws.amazon.com/network-firewall/latest/developerguide/suricata-limitations-caveats.html).
// The page does not say that it refuses a rule naming them (it says so of
// the keywords it refuses: dataset, iprep, file keywords), so such a rule
// compiles and matches no session: a rule of protocol ftp-data or ikev2,
// app-layer-protocol:ftp-data or :ike. A
// session that speaks one (flow.AppFTPData, flow.AppIKE) is seen to
// speak none, as when Suricata's detection fails: app-layer-protocol:failed
// matches it, and [DefaultAppProto] guesses none for udp/500 and 4500.
// QUIC, which an older version of that page listed, is detected.
//
// A flow names only an App that runs over its transport ([flow.App.RunsOver]:
// tls over tcp, quic and snmp over udp, dns over either); [flow.Flow.Validate]
// refuses the others, which Suricata could never detect.
//
// IP-only rules (Suricata's classification: a layer-3/4 protocol, both
// ports "any", no negated address, no flow keyword and only informational
// options; a rule with $EXTERNAL_NET counts as negated unless the group
// defines EXTERNAL_NET) are checked on the first packet of each direction
// that the engine sees only (OpenRequest, OpenReply; the next stage of
// that direction when the opening is in [Session].Unseen).
//
// # Variables
//
// $HOME_NET is the group's IPSets["HOME_NET"] if set, else the policy's
// HomeNet. $EXTERNAL_NET is the group's IPSets["EXTERNAL_NET"] if set,
// else "!$HOME_NET" of the policy's HomeNet (AWS's quirk: a group that
// overrides only HOME_NET keeps the policy's EXTERNAL_NET). Other $NAMEs
// come from the group's IPSets (addresses) or PortSets (ports), @NAMEs
// from its IPSetReferences through the [IPSetResolver].
//
// An address expression is resolved as Suricata resolves it
// (DetectAddressParse2 and DetectAddressMergeNot in
// src/detect-engine-address.c). Its items are sorted into positive and
// negated ones: a negated item ("!10.0.0.0/8", "!$VAR", "![...]") is
// resolved on its own and its addresses are negated, while the items of a
// list inside a list count as the outer list's ("[10.0.0.0/8,
// [!10.1.0.0/16]]" is 10.0.0.0/8 minus 10.1.0.0/16, but "[10.0.0.0/8,
// ![10.1.0.0/16, !10.1.2.0/24]]" holds 10.1.2.7); $EXTERNAL_NET of the
// policy puts HOME_NET among the negated items. Then each address family
// is resolved apart: the family's positive addresses, or every address of
// the family when it has no positive item but a negated one, minus its
// negated addresses; a family with neither holds no address. So
// "!192.0.2.0/24" is every IPv4 address but 192.0.2.0/24 and no IPv6
// address; "[!10.0.0.0/8, 2001:db8::/32]" every IPv4 address but
// 10.0.0.0/8, and 2001:db8::/32; $EXTERNAL_NET of an IPv4-only HOME_NET
// holds no IPv6 address; and "[$EXTERNAL_NET, 10.1.0.0/16]" with HOME_NET
// 10.0.0.0/16 is 10.1.0.0/16 alone (its IPv4 has a positive item).
//
// One rule for addresses Suricata refuses once their variables are
// resolved: [Compile] refuses the rule with an [ErrInvalidRule] error
// naming the group, the sid, the rule text and the expression or negated
// part, and so the whole configuration, as it refuses the forms package
// suricata refuses as written. Suricata does not load such a rule (it
// reports "error parsing signature"); no AWS page says Network Firewall
// accepts a rule group with one and skips it, so reachsim does not keep
// it silently (a rule not loaded would decide nothing). Suricata resolves
// the whole expression, and each negated part on its own
// (DetectAddressMergeNot), and refuses one
//
//   - whose negated items cover every IPv4 address ("Complete IP space
//     negated"; Suricata makes no such check for IPv6): $EXTERNAL_NET when
//     HOME_NET is 0.0.0.0/0, "!$ALL" when $ALL is 0.0.0.0/1 and
//     128.0.0.0/1;
//   - that holds no address in either family ("no addresses left after
//     merging addresses and negated addresses"): "[$X, !10.0.0.0/8]" or
//     "[10.0.0.0/8, ![$X, !10.0.0.0/16]]" when $X is 10.0.0.0/16 (the
//     negated part holds nothing), "[$HOME_NET, $EXTERNAL_NET]" of the
//     policy's EXTERNAL_NET.
//
// A HOME_NET of 0.0.0.0/0 is accepted while no rule uses $EXTERNAL_NET:
// Suricata's start-up check of its address variables would refuse an
// EXTERNAL_NET of "!$HOME_NET" then, but how Network Firewall defines
// EXTERNAL_NET for such a HOME_NET is not documented. Where an IP set
// whose entries are unknown takes part, an expression is refused only
// when every value of the set makes it refused; one that only some values
// would make refused ("[10.0.0.0/8, ![@PARTNERS, !10.0.0.0/16]]", empty
// when the set lies in 10.0.0.0/16) is kept and read as below, as if
// loaded: a stated limit.
//
// An IP set reference whose entries the input does not hold (the resolver
// returns an [*UnknownIPSet], or any error wrapping [ErrIPSetUnknown]; see
// [PartialIPSets]) is never taken as empty. Whether an address is in the
// set is unknown (of a set whose [UnknownIPSet].Family is known, an
// address of the other family is certainly not in it: an IPv4 prefix
// list holds no IPv6 block), and the rule's address expressions are read in
// three-valued logic: a list holds an address for certain when one of its
// positive items certainly holds it (or the address's family certainly
// has no positive item and certainly has a negated one) and no negated
// item may hold it; it may hold it when a positive item may (or the family
// may have no positive item and may have a negated one) and no negated
// item certainly does. So [@PARTNERS, 10.0.0.0/8] certainly holds
// 10.1.2.3 and may hold anything else; [10.0.0.0/8, !@PARTNERS] certainly
// does not hold 192.0.2.1 and may hold 10.1.2.3. Where the rule's
// protocol, ports and options match and its addresses may match but not
// for certain, the rule is undecidable ([Unknown] with Keyword "@NAME" and
// Why "IP set reference @NAME (ARN): the input does not hold its
// entries"), and the rules for undecidable rules above apply (worlds
// included); where its
// addresses match for certain, or cannot match, it decides as usual. Each
// item is read on its own: an expression that names one unknown set twice
// (as [@P, !@P]) may be undecidable where the truth is not. A rule whose
// addresses are in doubt hides no other rule ([Engine.Hidden]).
package stateful

import (
	"errors"
	"fmt"
)

// Sentinel errors wrapped by the *flow.InputError values this package
// returns.
var (
	// ErrInvalidRule: a rule's fields or options are out of range,
	// missing or inconsistent.
	ErrInvalidRule = errors.New("invalid firewall rule")
	// ErrInvalidGroup: a rule group is inconsistent (sources, duplicate
	// sids, rule order, variables).
	ErrInvalidGroup = errors.New("invalid firewall rule group")
	// ErrRuleOrderMismatch: a group's RuleOrder differs from the policy's.
	// It wraps [ErrInvalidGroup] and reads as it does; input formats test
	// for it to point at the group's rule order setting
	// (StatefulRuleOptions.RuleOrder) rather than at the reference.
	ErrRuleOrderMismatch = fmt.Errorf("%w", ErrInvalidGroup)
	// ErrInvalidPolicy: the policy's stateful settings are inconsistent
	// (rule order, default actions, group priorities, HOME_NET).
	ErrInvalidPolicy = errors.New("invalid firewall policy")
	// ErrUnresolved: a variable or IP set reference is not known.
	ErrUnresolved = errors.New("unresolved reference")
	// ErrIPSetUnknown: an IP set reference names a set (usually a managed
	// prefix list) that the input knows of but whose entries it does not
	// hold (a list shared from another account, a dump without
	// get-managed-prefix-list-entries). An [IPSetResolver] says so with an
	// [*UnknownIPSet] error, which wraps it; [Compile] accepts it.
	ErrIPSetUnknown = errors.New("IP set entries unknown")
)

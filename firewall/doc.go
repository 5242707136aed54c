// Package firewall is an AWS Network Firewall policy at one endpoint: the
// stateless engine (package stateless) and the stateful engine (package
// stateful, whose rules are written in the language of package suricata)
// combined the way a firewall endpoint runs them.
//
// Contract:
//   - [Compile] checks a [Policy] and compiles both engines, resolving IP
//     set references through a [stateful.IPSetResolver]; it returns an
//     immutable [Engine], safe for concurrent use. [MustCompile] panics
//     instead. Errors name the policy ("policy NAME: stateless: ...") and
//     wrap [ErrInvalidPolicy] (the stream exception policy) or the
//     sentinels of the engine that found the fault: [stateless.ErrInvalidRule],
//     [stateless.ErrInvalidGroup], [stateless.ErrInvalidPolicy],
//     [stateful.ErrInvalidRule], [stateful.ErrInvalidGroup],
//     [stateful.ErrInvalidPolicy], [stateful.ErrUnresolved] and
//     [suricata.ErrSyntax]. [ErrUnresolved] is for input formats that bind
//     a policy to its rule groups by ARN.
//   - An IP set reference whose entries the input does not hold (the
//     resolver returns a [stateful.UnknownIPSet], wrapping
//     [stateful.ErrIPSetUnknown]) is no Compile error and is never taken
//     as empty: a stateful rule that uses it is undecidable where the
//     set's entries could decide whether it matches, so a direction it
//     could pass or drop first is Indeterminate, and the reason names the
//     reference, its ARN and that its entries are missing (the stateful
//     package doc has the details).
//   - A stateful rule group whose rules the input cannot hold
//     ([stateful.RuleGroup].Opaque: an AWS managed group, whose rules AWS
//     does not publish) is no Compile error either: its rules may pass or
//     drop any packet, so a direction it could decide is Indeterminate,
//     [Decision.UnknownOn] giving the group's Opaque as what is missing
//     and [SettleOpaqueGroup] as the way to settle it; under STRICT_ORDER
//     a group of higher priority that decides first keeps its answer.
//   - An undecidable stateful rule (payload, geoip, an IP set whose
//     entries are unknown, ...) decides nothing when the session gets the
//     same answer whether it matches or not: the stateful engine tries
//     every way the rules it meets could go (up to 6 of them) and, when
//     every way gives the same verdict, and a deny on the same direction,
//     that verdict is certain on both legs ([stateful.Decision.Undecided]
//     names the rules, and the leg's reason says "sid N of GROUP cannot be
//     decided at the STAGE packet (...), but the session passes (is
//     dropped) whether it matches or not"). Otherwise
//     ([stateful.Decision.VerdictOn]) every leg that some way denies is
//     Indeterminate, whichever stage the first undecidable rule is met at
//     (under aws:drop_established a pass undecidable at the SYN-ACK
//     decides whether the client's data gets through: the request leg is
//     Indeterminate), and a leg every way allows is Allow; past 6 rules,
//     every leg the stateful engine judges is Indeterminate.
//   - [Engine.Evaluate] judges a [Connection] (a session's request as it
//     reaches the endpoint, and which of its directions cross it) and
//     returns a [Decision]: per direction, the verdict, the rule that
//     decided and a sentence saying why, with the stateless engine's
//     decision on each representative packet and the stateful engine's on
//     the session. [Engine.Explain] returns the same Decision with the
//     engines' explanations filled (skipped rules, the stateful per-stage
//     trace). Neither returns an error. [Engine.Verdicts] gives the two
//     verdicts alone, and [Engine.Outline] the verdicts, deciding rules
//     and fix without the packet list: Evaluate's answer reduced, for a
//     walk that words its reasons later; a randomized test holds both to
//     Evaluate.
//   - The stateless engine judges each of a session's packets alone
//     ([Decision.Packets]): for TCP the SYN and a data segment (PSH|ACK)
//     of each direction and, where a stateless rule names TCP flags
//     ([stateless.Engine.NamesTCPFlags]; without one every packet of a
//     direction gets the same decision), the client's ACK (the
//     handshake's third packet, in every session) and the server's pure
//     ACK (an ACK of the client's data or FIN). A dropped packet of those
//     every session has denies its direction for certain; the server's
//     pure ACK alone dropped leaves the reply Indeterminate (a server may
//     piggyback every ACK on data), its reason naming the packet and the
//     rule, [Decision.UnknownOn] what is missing. A pure ACK has no
//     stateful stage of its own: one the stateless engine passes or drops
//     marks no stage [stateful.Session].Unseen (its direction's data stage
//     is judged on the data segment), one it forwards makes its direction
//     seen. When the client's handshake ACK is forwarded but the request's
//     data segments are passed past the stateful engine, the engine judges
//     its data-to-server stage on the ACK: a certain drop there that does
//     not depend on the application layer ([stateful.Engine.DenyIgnoresApp]:
//     aws:drop_strict, a drop rule matching every packet) denies the
//     request, the reason saying it was judged on the ACK. Stated assumptions, not judged: no packet carries ECN-setup
//     flags (ECE, CWR) or URG; the FIN and RST packets that close the
//     session are not judged (its data flows whatever they meet); packets
//     are unfragmented (the policy's fragment default actions are not
//     applied to a session: only a [stateless.Packet] with Fragment set
//     meets them).
//   - The stateless engine judges every packet alone, replies included; a
//     packet it passes never reaches the stateful engine, a packet it
//     drops denies its direction, and the stateful engine judges the
//     session over the packets that were forwarded to it: the directions
//     with a forwarded packet, less the stages whose packet was passed or
//     dropped ([stateful.Session].Unseen; a policy that forwards the SYN
//     but passes every later packet leaves the stateful engine the SYN
//     alone, so its rules on established data, domains or
//     aws:drop_established drop nothing).
//   - A TCP session whose opening packet of a direction (the SYN, or the
//     SYN-ACK) the stateless engine passes while it forwards later packets
//     of the session (of that direction, or the other: a request passed
//     whole with its reply forwarded leaves the engine a SYN-ACK without
//     its SYN) reaches the stateful engine without its opening, a
//     flow it has no state for. AWS's stream exception policy decides
//     packets of a connection that "breaks midstream" (DROP, the default,
//     and REJECT drop them; CONTINUE inspects them without the flow's
//     context) and does not say whether this is one, so every direction
//     with a packet forwarded after the first such opening (in the
//     session's order: SYN, SYN-ACK, the client's data, the server's) is
//     Indeterminate, the reason and [Decision.UnknownOn] naming the
//     [Policy].StreamExceptionPolicy; unless it is dropped for certain
//     anyway: by the stateless engine, or by a certain stateful drop of a
//     packet the stateful engine sees, before the missed opening, or after
//     it under DROP or REJECT, or under CONTINUE (rules go on without the
//     flow's context: AWS says application-layer rules will not match,
//     flow:stateless rules and aws:drop_strict still do) when
//     aws:drop_strict or a rule that reads no flow state, direction or
//     application layer (a plain 5-tuple drop) drops it and no pass rule
//     that may match the session reads them
//     ([stateful.Engine.DenyStandsWithoutContext]); or because the
//     stateful engine has aws:drop_strict and no pass rule whose protocol,
//     addresses and ports may match the session
//     ([stateful.Engine.PassMayMatch]), so it drops every packet of the
//     session it sees under any stream exception policy: every such
//     direction is then a certain Deny. A direction whose only forwarded
//     packet is the server's pure ACK is dropped for certain there too,
//     but a session may lack that packet: it is Indeterminate as when the
//     stateless engine drops it, [Decision.UnknownOn] asking whether the
//     server sends ACK-only packets, not naming the stream exception
//     policy. [Engine.Verdicts] decides such sessions as Evaluate does.
//   - A [Connection] whose flow's App is flow.AppUnset leaves the application protocol
//     to the stateful engine: its port-based guess
//     ([stateful.DefaultAppProto], a stated limit), except that a TCP
//     session with a Domain speaks TLS or HTTP, and on a port the guess
//     takes for neither it is judged both ways; where they differ, the
//     stateful decision is Indeterminate ([stateful.UnknownAppProto]) and
//     [Decision.UnknownOn] says what is missing ("which application
//     protocol the session on tcp/9443 speaks: TLS or HTTP") and how to
//     settle it; [Outline] carries the same.
//   - A [Connection] whose flow has no Domain does not say which TLS SNI
//     or HTTP Host its client sends: where a tls.sni or http.host rule
//     (a domain list's among them) could decide, the stateful decision is
//     Indeterminate unless every name gives the same answer (see package
//     stateful, Matching), and [Decision.UnknownOn] says the domain is
//     missing ([MissingDomain], [SettleDomain]). Likewise a STRICT_ORDER
//     domain ALLOWLIST's generated drop rules, which AWS's documents
//     disagree on (package stateful, Domain lists): an unlisted name with
//     no drop default to deny it is Indeterminate, [MissingGeneratedDrop]
//     naming the disagreement and [SettleGeneratedDrop] the way out.
//   - TLS inspection is not modelled: its scope is not in
//     describe-firewall-policy's output. A policy with a
//     [Policy].TLSInspectionConfigurationArn leaves a TCP session that
//     reaches the stateful engine Indeterminate on every direction with a
//     packet forwarded to it (the configuration may decrypt the session
//     and drop it: not TLS, no server name, a certificate that does not
//     check), unless the engines drop the session for certain in the
//     handshake (the stateless engine drops its SYN or SYN-ACK, or the
//     stateful engine drops one for certain), which stays as decided; a
//     direction the stateless engine drops stays dropped, and so does one
//     the stateful engine drops for certain by a default action or a rule
//     that does not read the application layer, when no pass rule reads it
//     ([stateful.Engine.DenyIgnoresApp]: inspection only adds drops); one it passes
//     whole stays allowed, and other protocols are unaffected. The reason
//     says so, then what the engines decide otherwise;
//     [Decision.UnknownOn] says what is missing ("the TLS inspection
//     configuration ARN of policy NAME, which may decrypt and drop this
//     session"). [Engine.Verdicts] decides such sessions as Evaluate does.
//   - A stateless rule that names ports (TCP flags) and whose Protocols
//     do not restrict it to TCP and UDP (TCP), met by a packet of another
//     protocol: AWS's documents do not say whether it matches (its ports
//     ignored) or not; the stateless engine reads it as not matching
//     ([stateless.Ambiguity]), and the connection is judged again with
//     every such packet given the rule's action: a direction the two
//     readings decide differently is Indeterminate, the reason naming the
//     rule and [Decision.UnknownOn] the open question. [Engine.Verdicts]
//     decides it as Evaluate does.
//   - [Engine.Forwards] says which directions of a connection the
//     stateless engine forwards some packet of to the stateful engine
//     (package reach decides a crossing of one leg only by it).
//   - A nil *Engine means "no firewall here": both directions of every
//     connection are allowed, and the reasons say so.
package firewall

// Package sample holds the public three-tier sample design that the
// quickstart, reachtest's example, the command line's --demo and the
// tests share: internet → web tier in a public subnet behind an AWS
// Network Firewall → app tier → database, with network ACLs and a NAT
// gateway.
//
// It comes in two forms that describe the same network: Go values
// ([ThreeTier], a [reach.Builder]; [ThreeTierDesign], its parts, to change
// one before building) and the JSON the AWS CLI would print for it
// ([AWSDump], for package aws). Users can import it to try reachsim or to
// copy the README's examples into their own module; its IDs, addresses and
// rules are stable, since examples and tests pin answers on them.
package sample

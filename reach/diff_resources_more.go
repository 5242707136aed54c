package reach

import (
	"cmp"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/firewall/stateless"
)

// tgwRouteText words a transit gateway route: "10.2.0.0/16 via
// tgw-attach-b", "10.2.2.0/24 via blackhole", with "(propagated)" or the
// prefix list whose reference made it.
func tgwRouteText(r TGWRoute) string {
	target := r.Attachment
	if r.Blackhole || target == "" {
		target = "blackhole"
	}
	s := r.Destination.String() + " via " + target
	switch {
	case r.PrefixList != "":
		s += " (prefix list " + r.PrefixList + ")"
	case r.Propagated:
		s += " (propagated)"
	}
	return s
}

// tgwRouteTableDetails says how two versions of a transit gateway route
// table differ: its routes, one line each, then its other fields.
func tgwRouteTableDetails(x, y TGWRouteTable) []string {
	routes := func(t TGWRouteTable) []string {
		out := make([]string, len(t.Routes))
		for i, r := range t.Routes {
			out[i] = tgwRouteText(r)
		}
		return out
	}
	out := listDetails("route", routes(x), routes(y))
	if len(out) == 0 && !reflect.DeepEqual(x.Routes, y.Routes) {
		out = append(out, "routes changed")
	}
	x.Routes, y.Routes = nil, nil
	return append(out, fieldDetails(x, y)...)
}

// firewallDetails says how two versions of a firewall differ: its
// policy's rule groups (the rules of a stateful group written as rules,
// one line each), the policy's other settings, the firewall's other
// fields.
func firewallDetails(x, y Firewall) []string {
	px, py := x.Policy, y.Policy
	out := statefulDetails(px.Stateful.Groups, py.Stateful.Groups)
	out = append(out, statelessDetails(px.Stateless.Groups, py.Stateless.Groups)...)
	px.Stateful.Groups, py.Stateful.Groups, px.Stateless.Groups, py.Stateless.Groups = nil, nil, nil, nil
	out = append(out, engineDetails(px.Stateful, py.Stateful, px.Stateless, py.Stateless)...)
	px.Stateful, py.Stateful, px.Stateless, py.Stateless = stateful.Config{}, stateful.Config{}, stateless.Config{}, stateless.Config{}
	for _, d := range fieldDetails(px, py) {
		out = append(out, "policy "+d)
	}
	x.Policy, y.Policy = px, px
	return append(out, fieldDetails(x, y)...)
}

// engineDetails says how the settings of two policies' engines, other
// than their rule groups, differ, each in AWS's words: "stateful rule
// order DEFAULT_ACTION_ORDER -> STRICT_ORDER", "stateful default actions
// aws:drop_strict -> aws:drop_established", "stateful HOME_NET
// 10.0.0.0/16 -> 10.0.0.0/16, 10.1.0.0/16", "stateless default actions
// forward -> pass", "stateless fragment default actions drop -> pass",
// "stateless custom actions changed".
func engineDetails(fx, fy stateful.Config, lx, ly stateless.Config) []string {
	var out []string
	if fx.Order != fy.Order {
		out = append(out, fmt.Sprintf("stateful rule order %s -> %s", fx.Order, fy.Order))
	}
	if fx.Defaults != fy.Defaults {
		names := func(d stateful.Defaults) string { return cmp.Or(strings.Join(d.Names(), ", "), "none") }
		out = append(out, fmt.Sprintf("stateful default actions %s -> %s", names(fx.Defaults), names(fy.Defaults)))
	}
	if !slices.Equal(fx.HomeNet, fy.HomeNet) {
		out = append(out, fmt.Sprintf("stateful HOME_NET %s -> %s", cmp.Or(prefixList(fx.HomeNet), "none"), cmp.Or(prefixList(fy.HomeNet), "none")))
	}
	action := func(a stateless.DefaultAction) string {
		return strings.Join(append([]string{a.Action.String()}, a.CustomActions...), ", ")
	}
	if !reflect.DeepEqual(lx.Default, ly.Default) {
		out = append(out, fmt.Sprintf("stateless default actions %s -> %s", action(lx.Default), action(ly.Default)))
	}
	if !reflect.DeepEqual(lx.FragmentDefault, ly.FragmentDefault) {
		out = append(out, fmt.Sprintf("stateless fragment default actions %s -> %s", action(lx.FragmentDefault), action(ly.FragmentDefault)))
	}
	if !reflect.DeepEqual(lx.CustomActions, ly.CustomActions) {
		out = append(out, "stateless custom actions changed")
	}
	// any other setting, by its field's name
	for _, c := range []*stateful.Config{&fx, &fy} {
		c.Groups, c.Order, c.Defaults, c.HomeNet = nil, 0, stateful.Defaults{}, nil
	}
	for _, c := range []*stateless.Config{&lx, &ly} {
		c.Groups, c.Default, c.FragmentDefault, c.CustomActions = nil, stateless.DefaultAction{}, stateless.DefaultAction{}, nil
	}
	for _, d := range fieldDetails(fx, fy) {
		out = append(out, "policy Stateful "+d)
	}
	for _, d := range fieldDetails(lx, ly) {
		out = append(out, "policy Stateless "+d)
	}
	return out
}

// statefulDetails says how two lists of stateful rule groups differ, by
// group (Name, else ARN): a group added or removed; a Suricata rule
// added or removed; else that the group changed.
func statefulDetails(x, y []stateful.GroupRef) []string {
	label := func(g stateful.GroupRef) string { return firstOf(g.Group.Name, g.Group.ARN) }
	var out []string
	for _, gx := range x {
		i := indexBy(y, label(gx), label)
		if i < 0 {
			out = append(out, "stateful rule group removed: "+label(gx))
			continue
		}
		gy := y[i]
		if reflect.DeepEqual(gx, gy) {
			continue
		}
		rules := listDetails("stateful rule group "+label(gx)+": rule", ruleLines(gx.Group.RulesString), ruleLines(gy.Group.RulesString))
		out = append(out, rules...)
		cx, cy := gx, gy
		cx.Group.RulesString, cy.Group.RulesString = "", ""
		if len(rules) == 0 || !reflect.DeepEqual(cx, cy) {
			out = append(out, fmt.Sprintf("stateful rule group %s changed", label(gx)))
		}
	}
	for _, gy := range y {
		if indexBy(x, label(gy), label) < 0 {
			out = append(out, "stateful rule group added: "+label(gy))
		}
	}
	return out
}

// statelessDetails says how two lists of stateless rule groups differ,
// by group (Name, else ARN).
func statelessDetails(x, y []stateless.GroupRef) []string {
	label := func(g stateless.GroupRef) string { return firstOf(g.Group.Name, g.Group.ARN) }
	var out []string
	for _, gx := range x {
		switch i := indexBy(y, label(gx), label); {
		case i < 0:
			out = append(out, "stateless rule group removed: "+label(gx))
		case !reflect.DeepEqual(gx, y[i]):
			out = append(out, fmt.Sprintf("stateless rule group %s changed", label(gx)))
		}
	}
	for _, gy := range y {
		if indexBy(x, label(gy), label) < 0 {
			out = append(out, "stateless rule group added: "+label(gy))
		}
	}
	return out
}

// ruleLines returns the rules of a Suricata rules string: its lines,
// trimmed, without blank lines and comments.
func ruleLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}

func firstOf(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// indexBy returns the index of the first item of xs whose key is k, -1
// when none.
func indexBy[T any](xs []T, k string, key func(T) string) int {
	for i, x := range xs {
		if key(x) == k {
			return i
		}
	}
	return -1
}

package main

import (
	"testing"

	"routemap"
	"routemap/sfid"
)

func TestNameMaps(t *testing.T) {
	maps := []routemap.RoutingMap{{ID: sfid.MustParse("0RmRm0000000001"), DeveloperName: "User_A"}, {ID: sfid.MustParse("0RmRm0000000002"), DeveloperName: "User_B"}}
	x := routemap.NewCrossCheck(routemap.ProviderAmazonConnect)
	a := routemap.RoutingMap{ExternalID: "arn:aws:connect:us-west-2:111122223333:instance/9f8e7d6c-1a2b-4c3d-8e9f-0a1b2c3d4e5f/agent/3b2a1c0d-4e5f-4a6b-9c8d-7e6f5a4b3c2d",
		ReferenceRecordID: sfid.MustParse("005Hs00000ABcDe"), CallCenterID: sfid.MustParse("04vHs000000XyZa"), DeveloperName: "User_A"}
	b := a
	b.ReferenceRecordID, b.DeveloperName = sfid.MustParse("005Hs00000ABcDf"), "User_B"
	x.Add(1, &a)
	problems := x.Add(2, &b)
	if len(problems) != 1 || problems[0].Code != routemap.CodeDuplicateExternalID {
		t.Fatalf("%+v", problems)
	}
	got := nameMaps(problems[0].Message, maps)
	want := "telephony user " + a.ExternalID + " is already mapped to another Salesforce user in map 0RmRm0000000001KAA (User_A) in contact center 04vHs000000XyZaIAK"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got := nameMaps("on line 9", maps); got != "on line 9" {
		t.Errorf("out of range: %s", got)
	}
}

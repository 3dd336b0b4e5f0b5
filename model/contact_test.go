package model_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/gen"
	"github.com/rehabplan/rehabplan/model"
)

func TestContactValidation(t *testing.T) {
	cases := []struct {
		c          model.Contact
		field, msg string
	}{
		{model.Contact{Phone: "01 84 60 00 01", Email: "a@b.fr"}, "", ""},
		{model.Contact{Phone: "+33 (0)1 84.60.00-01"}, "", ""},
		{model.Contact{Name: "Mme Morel"}, "operation.contact", "needs a phone or an e-mail"},
		{model.Contact{Phone: "01 84 x"}, "operation.contact.phone", `not "x"`},
		{model.Contact{Phone: "12345"}, "operation.contact.phone", "6 to 20 digits"},
		{model.Contact{Email: "pilote.example.org"}, "operation.contact.email", "not an e-mail address"},
		{model.Contact{Email: "pilote@localhost"}, "operation.contact.email", `the domain "localhost" has no dot`},
	}
	for _, tc := range cases {
		p := gen.Generate(gen.Options{Dwellings: 2, Seed: 1})
		c := tc.c
		p.Operation.Contact = &c
		err := model.Validate(p)
		if tc.field == "" {
			require.NoError(t, err, "%+v", tc.c)
			continue
		}
		var ve *model.ValidationError
		require.ErrorAs(t, err, &ve)
		require.Equal(t, tc.field, ve.Errors[0].Field)
		require.Contains(t, ve.Errors[0].Msg, tc.msg)
	}
}

func TestPreparationOf(t *testing.T) {
	require.Contains(t, model.PreparationOf(&model.Trade{ID: "kitchen"}), "placards de la cuisine")
	require.Equal(t, "Vider le garage.", model.PreparationOf(&model.Trade{ID: "kitchen", Preparation: "Vider le garage."}))
	require.Empty(t, model.PreparationOf(&model.Trade{ID: "roofing"}))
	require.Empty(t, model.PreparationOf(nil))
}

func TestConfirmedStatus(t *testing.T) {
	iv := model.Intervention{Status: model.StatusConfirmed}
	require.True(t, iv.Announced())
	require.True(t, iv.Fixed())
	p := gen.Generate(gen.Options{Dwellings: 2, Seed: 1})
	p.Interventions[0].Status = model.StatusConfirmed
	err := model.Validate(p)
	require.ErrorContains(t, err, "a confirmed intervention needs its start")
	p.Interventions[0].Status = "maybe"
	require.ErrorContains(t, model.Validate(p), "planned, announced, confirmed, done or missed")
}

package constraints

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// namedRule is a rule of a test, named at will.
type namedRule struct{ name string }

func (r namedRule) Name() string            { return r.name }
func (namedRule) Number() int               { return 42 }
func (namedRule) Requires(lang Lang) string { return "" }

func TestRegistryRefusesDuplicatesAndBlanks(t *testing.T) {
	tests := []struct {
		name  string
		rules []Rule
		err   string
	}{
		{"distinct", []Rule{namedRule{"a"}, namedRule{"b"}}, ""},
		{"empty", nil, ""},
		{"duplicate", []Rule{namedRule{"a"}, namedRule{"b"}, namedRule{"a"}}, `both named "a"`},
		{"duplicate of a registered rule", []Rule{CrewCalendar{}, namedRule{NameCrewCalendar}}, `both named "crew-calendar"`},
		{"blank", []Rule{namedRule{"a"}, namedRule{""}}, "rule 2 (constraints.namedRule) has no name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := newRegistry(tt.rules...)
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				return
			}
			require.NoError(t, err)
			assert.Len(t, r.list, len(tt.rules))
			for _, rule := range tt.rules {
				assert.Equal(t, rule, r.byName[rule.Name()])
			}
		})
	}
	assert.Panics(t, func() { mustRegistry(namedRule{"x"}, namedRule{"x"}) })
}

// Every rule of the registry checks a plan, has a number of its own and says what
// it requires in English and in French.
func TestRegistryRules(t *testing.T) {
	rules := All()
	require.Len(t, rules, 16)
	numbers := map[int]string{}
	for i, r := range rules {
		_, ok := r.(Checker)
		assert.True(t, ok, "%s does not check a plan", r.Name())
		got, ok := Lookup(r.Name())
		assert.True(t, ok)
		assert.Equal(t, r, got)
		if prev, dup := numbers[r.Number()]; dup {
			t.Errorf("%s and %s share number %d", prev, r.Name(), r.Number())
		}
		numbers[r.Number()] = r.Name()
		if i < len(rules)-1 {
			assert.Equal(t, i+1, r.Number(), "the registry lists the rules by number")
		}
		en, fr := r.Requires(English), r.Requires(French)
		assert.NotEmpty(t, en)
		assert.NotEmpty(t, fr)
		assert.NotEqual(t, en, fr, r.Name())
		assert.Equal(t, en, r.Requires(""), "English is the default")
	}
	assert.Equal(t, 0, rules[len(rules)-1].Number(), "the structural check comes last")
	_, ok := Lookup("search")
	assert.False(t, ok)
	assert.Equal(t, 99, ruleNumber("search"))
}

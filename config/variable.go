package config

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/caarlos0/env/v11"
)

// Variable is one environment variable, as the tags of the Config field it
// fills declare it:
//
//	env:"NAME"            its name, in caarlos0/env's syntax; NAME,required: it must not be blank
//	envDefault:"text"     the text read when it is unset or empty (caarlos0/env's rule)
//	envFile:""            it may also be given as NAME_FILE, a path (one trailing newline trimmed)
//	check:"rule"          narrows how the field's type reads the text (see Variable.read)
//	help:"text"           its line in `shipsync help env`
//
// The field's type says how the text is read and how the value shows in the
// startup summary; a field of type Secret is a secret, and neither its value
// nor its file's content is ever printed. Adding a variable is adding its
// field to Config, for instance
//
//	// ReconcileDays is the window reconcile compares, in days.
//	ReconcileDays int `env:"RECONCILE_DAYS" envDefault:"30" check:"1..365" help:"window compared by reconcile"`
//
// and Load reads and validates it, the summary shows it and help env lists it.
type Variable struct {
	// Name is the variable's name, as in the environment.
	Name string
	// Default is the text read when it is unset or empty; "" if none.
	Default string
	// Required means it must be set to something other than blanks.
	Required bool
	// File means it may also be given as NAME_FILE.
	File bool
	// Secret means its value is never shown.
	Secret bool
	// Help says what it is for.
	Help string

	check string
	field int // index of the Config field it fills
}

// Variables returns every variable of the environment contract, in the order
// of the Config fields that declare them. It panics on a malformed tag: that
// is a programming error, which every Load finds too.
func Variables() []Variable {
	t := reflect.TypeFor[Config]()
	params, err := env.GetFieldParamsWithOptions(&Config{}, env.Options{Environment: map[string]string{}})
	if err != nil {
		panic(fmt.Sprintf("config: the tags of Config: %v", err))
	}
	vars := make([]Variable, 0, len(params))
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("env"), ",")
		if len(vars) >= len(params) || params[len(vars)].OwnKey != name {
			panic(fmt.Sprintf("config: Config.%s: the env tag does not match what caarlos0/env reads", f.Name))
		}
		fp := params[len(vars)]
		_, file := f.Tag.Lookup("envFile")
		vars = append(vars, Variable{
			Name:     fp.Key,
			Default:  fp.DefaultValue,
			Required: fp.Required,
			File:     file,
			Secret:   f.Type == reflect.TypeFor[Secret](),
			Help:     f.Tag.Get("help"),
			check:    f.Tag.Get("check"),
			field:    i,
		})
	}
	if len(vars) != len(params) {
		panic("config: caarlos0/env reads a variable that no Config field declares")
	}
	return vars
}

// lookup returns the variable's text in environ: its value, or its default
// when it is unset or empty.
func (v Variable) lookup(environ map[string]string) string {
	if s := environ[v.Name]; s != "" {
		return s
	}
	return v.Default
}

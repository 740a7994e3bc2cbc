package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// cascadeTheme is Fyne's default look in the light variant with the centre's
// teal as the primary colour: paperwork reads best dark on light.
type cascadeTheme struct{}

// Theme is the theme the window uses.
func Theme() fyne.Theme { return cascadeTheme{} }

var teal = color.NRGBA{R: 0x1f, G: 0x6f, B: 0x78, A: 0xff}

func (cascadeTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	switch n {
	case theme.ColorNamePrimary:
		return teal
	case theme.ColorNameFocus:
		return color.NRGBA{R: 0x1f, G: 0x6f, B: 0x78, A: 0x66}
	case theme.ColorNameSelection:
		return color.NRGBA{R: 0x1f, G: 0x6f, B: 0x78, A: 0x33}
	}
	return theme.DefaultTheme().Color(n, theme.VariantLight)
}

func (cascadeTheme) Font(s fyne.TextStyle) fyne.Resource     { return theme.DefaultTheme().Font(s) }
func (cascadeTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return theme.DefaultTheme().Icon(n) }
func (cascadeTheme) Size(n fyne.ThemeSizeName) float32       { return theme.DefaultTheme().Size(n) }

package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// placeholder stands in for a screen a later issue builds, saying what it will hold.
type placeholder struct {
	title, what string
}

func (p placeholder) content() fyne.CanvasObject {
	heading := widget.NewLabelWithStyle(p.title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	body := widget.NewLabel(p.what)
	body.Wrapping = fyne.TextWrapWord
	return container.NewPadded(container.NewVBox(heading, body))
}

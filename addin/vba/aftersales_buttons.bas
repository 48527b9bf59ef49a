Attribute VB_Name = "AftersalesButtons"
' Sheet buttons of the after-sales register for classic desktop xlwings.
' Import this module in the VBA editor (File > Import File...), then assign each Sub to a button
' (right-click the shape > Assign Macro...). Needs the xlwings add-in (xlwings addin install).
Option Explicit

Sub ValidateRegister()
    RunPython "import addin.classic as c; c.validate_register()"
End Sub

Sub GenerateVouchers()
    RunPython "import addin.classic as c; c.generate_vouchers()"
End Sub

Sub BuildRefundSheet()
    RunPython "import addin.classic as c; c.build_refund_sheet()"
End Sub

Sub EndOfDay()
    RunPython "import addin.classic as c; c.end_of_day()"
End Sub

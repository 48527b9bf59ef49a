"""xlwings glue (UDFs, buttons, Lite workbook builder): thin, no business rules. Built in a later issue."""

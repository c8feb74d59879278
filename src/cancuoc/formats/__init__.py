"""Number and date formats of the two languages of the pages (FORMAT_MODULE_PATH).

Django's own Vietnamese formats group no thousands and write dates as 15-03-2021; the
communes' documents write 1.795.521 and 15/03/2021. English pages write 1,795,521 and
15 Mar 2021 (a month name, so a reader used to m/d/Y is not misled)."""

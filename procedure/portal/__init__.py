"""The applicant portal: a signed XML application becomes a numbered case, once.

`application_form` reads the document against its XSD, `signatures` checks the XML
signature and the certificate's chain to the trusted CA, `intake` numbers the application
and starts its case in one transaction, `status` and `views` say what an applicant reads,
`settings` and `errors` are the portal's own.
"""

"""The license procedure: the Rules (Order No. 374) as a plug-in beside the engine.

`calendar` and `deadlines` count Kazakhstan working days and statutory terms; `grounds`
lists the ten refusal grounds of appendix 1; `form_rules` checks the officer's forms;
`case_labels`, `urgency` and `presentation` say how a case is labelled and shown;
`plugin` gathers them into one `engine.extensions.Procedure`, which `licflow.wiring`
installs. `portal/` is the applicant portal: the signed application format, its
signatures, intake and what an applicant reads. It uses the engine's published modules
and the store's models; the engine never imports it.
"""

"""The integration REST API: the patient portal and the phone system deliver messages and
read a case's status here. Every message still ends in `services.receive_message`."""

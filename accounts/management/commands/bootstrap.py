from django.core.management.base import BaseCommand

from accounts.services import public_tenant_ensure, template_schema_ensure


class Command(BaseCommand):
    help = "Ensure the public tenant (serving the base domain) and the template schema new accounts are cloned from. Idempotent."

    def handle(self, *args: object, **options: object) -> None:
        public = public_tenant_ensure()
        template = template_schema_ensure()
        self.stdout.write(f"public tenant: {public.schema_name}; template schema: {template.schema_name}")

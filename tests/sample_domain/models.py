from django.db import models


class Ring(models.Model):
    device_id = models.CharField(max_length=64)
    loud = models.BooleanField()

    class Meta:
        permissions = [("ring_doorbell", "Can ring the doorbell")]

    def __str__(self) -> str:
        return self.device_id
